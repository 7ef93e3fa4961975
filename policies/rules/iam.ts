import type { Rule } from "../lib/rule";

export const IAM_RULES: readonly Rule[] = [];
