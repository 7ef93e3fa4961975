import type { z } from "zod";
import { markdownTable } from "./markers";
import { leavesOf } from "./schema-walk";

/** What happens when a variable is not set: its default, a per-start value, optional, or required. */
function whenUnset(schema: z.ZodType): string {
  const first = schema.safeParse(undefined);
  if (!first.success) return "**required**";
  if (first.data === undefined) return "optional";
  const second = schema.safeParse(undefined);
  // A default computed per start (the gateway's instance id) differs between two parses.
  if (JSON.stringify(second.data) !== JSON.stringify(first.data)) return "generated at start";
  const value = Array.isArray(first.data) ? first.data.join(",") : String(first.data);
  return value === "" ? '`""`' : `\`${value}\``;
}

/** A service's environment, from its own zod schema: each variable, its default and its description. */
export function envTable(schema: z.ZodType): string {
  const rows = leavesOf(schema).map(({ path, schema: variable }) => [`\`${path}\``, whenUnset(variable), variable.description ?? ""]);
  return markdownTable(["variable", "when unset", "what it does"], rows);
}
