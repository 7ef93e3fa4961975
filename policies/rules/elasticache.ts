import type { Rule } from "../lib/rule";

export const ELASTICACHE_RULES: readonly Rule[] = [];
