import type { Rule } from "../lib/rule";

export const EKS_RULES: readonly Rule[] = [];
