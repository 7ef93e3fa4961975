import type { Rule } from "../lib/rule";

export const STACK_RULES: readonly Rule[] = [];
