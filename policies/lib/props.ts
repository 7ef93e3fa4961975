import { UnknownValueError, type ReportViolation, type ResourceValidationArgs } from "@pulumi/policy";
import ipaddr from "ipaddr.js";

/**
 * A resource validation that runs only on the given type tokens, handing the check
 * the resource's inputs typed as the program declares them.
 */
export function onTypes<Props>(
  types: string | readonly string[],
  check: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): (args: ResourceValidationArgs, report: ReportViolation) => void {
  const wanted = new Set(typeof types === "string" ? [types] : types);
  return (args, report) => {
    if (wanted.has(args.type)) check(args.props as Props, args, report);
  };
}

/**
 * The value `read` returns, or undefined when it touches a value unknown during
 * preview. For stack rules: one resource whose input is not known yet must not hide
 * what the rule finds on the others.
 */
export function whenKnown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

/**
 * Address ranges that mean "anyone on the internet": 0.0.0.0/0 and ::/0, and every
 * other way of writing most of it (0.0.0.0/1 plus 128.0.0.0/1, 0.0.0.0/00). An IPv4
 * range wider than a /8 always holds public addresses (10.0.0.0/8, the widest private
 * one, is a /8); in IPv6, a range of /3 or wider, or of /16 or wider inside the global
 * unicast space (2000::/3), holds a good part of the internet. Text that is no CIDR is AWS's to
 * refuse: it is not judged here.
 */
export function isOpenToTheWorld(cidr: unknown): boolean {
  if (typeof cidr !== "string") return false;
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    range = ipaddr.parseCIDR(cidr);
  } catch {
    return false;
  }
  const [address, prefix] = range;
  if (address.kind() === "ipv4") return prefix < 8;
  const globalUnicast = ipaddr.parseCIDR("2000::/3");
  const overlapsGlobal = prefix <= 3 ? true : (address as ipaddr.IPv6).match(globalUnicast);
  return prefix <= 16 && overlapsGlobal;
}

/** The tag the kit's network puts on each subnet: its tier (public, private, data…), which rules about exposure read. */
export const TIER_TAG = "tier";

/** A resource's tags (AWS `tags`), as a plain map. */
export function tagsOf(props: Record<string, unknown>): Record<string, string> {
  const tags = props.tags;
  return typeof tags === "object" && tags !== null ? (tags as Record<string, string>) : {};
}

/**
 * The positions of a list's elements. Array methods on the engine's proxied arrays read
 * every element, so one unknown element would throw for all; reading by index lets each
 * element be judged on its own. An unknown list has none yet.
 */
export function indicesOf(list: unknown): number[] {
  const length = whenKnown(() => (Array.isArray(list) ? list.length : 0)) ?? 0;
  return Array.from({ length }, (_, i) => i);
}

/** A rule setting for the fewest days of automatic backups or snapshots: AWS keeps them 1 to 35 days. */
export function minimumDaysSetting(defaultDays: number, description: string) {
  return { type: "integer" as const, minimum: 1, maximum: 35, default: defaultDays, description };
}
