import type { Rule } from "../lib/rule";

export const KUBERNETES_RULES: readonly Rule[] = [];
