import type { Rule } from "../lib/rule";

export const MSK_RULES: readonly Rule[] = [];
