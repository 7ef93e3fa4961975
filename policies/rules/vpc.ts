import type { Rule } from "../lib/rule";

export const VPC_RULES: readonly Rule[] = [];
