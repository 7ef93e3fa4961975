import type { Rule } from "../lib/rule";

export const RDS_RULES: readonly Rule[] = [];
