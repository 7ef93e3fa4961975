import { parse, stringify } from "yaml";

/** Stack names the kit accepts: they become AWS name prefixes (`coupon-<stack>`, at most 32 characters). */
export const STACK_NAME = /^[a-z][a-z0-9-]{0,23}[a-z0-9]$/;
/** AWS commercial, GovCloud and China region names. */
export const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-[a-z]+-\d$|^cn-[a-z]+-\d$/;

/** `a.b[0].c=value` → path ["a", "b", 0, "c"] and the value read as YAML (3 → number, true → boolean, [x, y] → list). */
export function parseAssignment(assignment: string): { path: (string | number)[]; value: unknown } {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new Error(`--set ${assignment}: expected key=value, such as network.azCount=3`);
  const key = assignment.slice(0, eq);
  const path: (string | number)[] = [];
  for (const part of key.split(".")) {
    const match = /^([A-Za-z][A-Za-z0-9]*)((?:\[\d+\])*)$/.exec(part);
    if (!match)
      throw new Error(
        `--set ${assignment}: "${key}" is not a key path; accepted: dotted keys with optional [index], such as cluster.publicAccessCidrs[0]`,
      );
    path.push(match[1] as string, ...[...(match[2] ?? "").matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  }
  return { path, value: parse(assignment.slice(eq + 1)) as unknown };
}

/** Sets a value at a path, creating objects and arrays on the way. */
export function setPath(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = path[i + 1];
    if (typeof node[key] !== "object" || node[key] === null) node[key] = typeof next === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}

/** The stack's keys in the flat "namespace:key" → string form Pulumi hands a program. */
export function flatConfig(region: string, profile: string, overrides: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = { "aws:region": region, "coupon-platform:profile": profile };
  for (const [key, value] of Object.entries(overrides))
    values[`coupon-platform:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  return values;
}

/**
 * Keys every stack sets for itself: a profile's values are placeholders (another
 * environment's certificate would serve the wrong name).
 */
export const STACK_OWN_KEYS: readonly (readonly string[])[] = [
  ["delivery", "hostname"],
  ["delivery", "certificateArn"],
];

/** The stack file as written: a comment saying what it is and what to set, then the config. */
export function renderStackFile(
  stack: string,
  region: string,
  profile: string,
  overrides: Record<string, unknown>,
  toSet: readonly string[] = [],
): string {
  const config: Record<string, unknown> = { "aws:region": region, "coupon-platform:profile": profile };
  for (const [key, value] of Object.entries(overrides)) config[`coupon-platform:${key}`] = value;
  const header = [
    `# Stack "${stack}". Picks the "${profile}" profile (stacks/${profile}.yaml); any key of the profile`,
    "# can be overridden below (stacks/README.md lists every key and what it accepts).",
    ...(toSet.length > 0
      ? [`# Still "unset", to set before \`pulumi preview\` or \`pulumi up\` (npm run plan renders it): ${toSet.join(", ")}.`]
      : []),
  ].join("\n");
  return `${header}\n${stringify({ config })}`;
}
