/**
 * A value a stack's owner has yet to set (their certificate, their egress address).
 * The config accepts it so `npm run plan` can render the stack offline; the program
 * refuses it before declaring anything, so `pulumi preview` and `pulumi up` stop at
 * once, naming every key still unset, instead of failing late at AWS.
 */
export const UNSET = "unset";

/** Set by the offline runner (npm run plan, policy, the tests): placeholders are rendered, not refused. */
export const OFFLINE_PLAN_ENV = "COUPON_PLATFORM_OFFLINE_PLAN";

/** Paths of every value still "unset" in a config, as `pulumi config set --path` takes them (`cluster.publicAccessCidrs[0]`). */
export function unsetKeys(value: unknown, path = ""): string[] {
  if (value === UNSET) return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => unsetKeys(item, `${path}[${i}]`));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([key, inner]) => unsetKeys(inner, path ? `${path}.${key}` : key));
  return [];
}
