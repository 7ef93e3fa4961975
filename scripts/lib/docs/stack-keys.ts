import type { z } from "zod";
import { valueAt } from "../../../infra/configuration/merge";
import { readProfile } from "../../../infra/configuration/profiles";
import { platformConfigSchema } from "../../../infra/configuration/schema";
import { markdownTable } from "./markers";
import { acceptedBy, leavesOf } from "./schema-walk";

/** Keys the profiles leave to the stack or to a default. */
const NOT_IN_PROFILES: Record<string, string> = { profile: "—", name: "`coupon-<stack>`", tags: "`{}`" };

function shown(value: unknown): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value === "" ? '`""`' : `\`${value}\``;
  return `\`${JSON.stringify(value).replace(/,/g, ", ")}\``;
}

/** Every stack key: what it does (the schema's description), what it accepts, and the dev and prod profiles' values. */
export function stackKeysTable(schema: z.ZodType = platformConfigSchema, profiles: readonly string[] = ["dev", "prod"]): string {
  const values = profiles.map((name) => readProfile(name));
  const rows = leavesOf(schema).map(({ path, schema: key }) => [
    `\`${path}\``,
    key.description ?? "",
    acceptedBy(key),
    ...values.map((profile) => NOT_IN_PROFILES[path] ?? shown(valueAt(profile, path.split(".")))),
  ]);
  return markdownTable(["key", "what it does", "accepted", ...profiles], rows);
}
