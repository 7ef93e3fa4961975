import type { DeclaredResource, StackRun } from "../mock-stack/run-stack";
import { byCodeUnits } from "./order";
import { markReferences } from "./references";

/**
 * The offline plan of a stack: every resource the program declares under the mock
 * runtime, with what a reviewer needs to see a change — type, name, URN, parent,
 * options that change what a diff means (protect, aliases), and its inputs with
 * secrets redacted and values computed by other resources written as references
 * (`${aws:kms/key:Key::database-key.arn}`), as a preview shows them. Deterministic: sorted by URN, object keys sorted, no timestamps,
 * no machine paths.
 */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** The top-level component the resource belongs to ("stack" for top-level resources). */
  readonly component: string;
  readonly protect: boolean;
  /** URNs this resource was known by before (explicit aliases only; the engine adds inherited ones). */
  readonly aliases: readonly string[];
  readonly inputs: Record<string, unknown>;
}

export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly profile: string;
  readonly resources: readonly PlannedResource[];
}

const ROOT_TYPE = "pulumi:pulumi:Stack";

export function buildPlan(run: StackRun, identity: { project: string; stack: string; profile: string }): Plan {
  const componentOf = componentNamer(run.declared);
  const withReferences = markReferences(run.declared);
  const resources = run.declared
    .filter((resource) => resource.type !== ROOT_TYPE)
    .map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent && !resource.parent.includes(`::${ROOT_TYPE}::`) ? resource.parent : null,
      component: componentOf(resource),
      protect: resource.options.protect,
      aliases: [...resource.options.aliases].sort(),
      inputs: sortKeys(withReferences(resource.redactedInputs)) as Record<string, unknown>,
    }))
    .sort((a, b) => byCodeUnits(a.urn, b.urn));
  return { ...identity, resources };
}

/** Names the top-level component each resource belongs to ("stack" when it has none). */
export function componentNamer(declared: readonly DeclaredResource[]): (resource: DeclaredResource) => string {
  const byUrn = new Map(declared.map((resource) => [resource.urn, resource]));
  return (resource) => {
    let top = resource;
    for (let parent = byUrn.get(top.parent ?? ""); parent && parent.type !== ROOT_TYPE; parent = byUrn.get(top.parent ?? "")) top = parent;
    return isComponentType(top.type) ? top.name : "stack";
  };
}

/** The kit's own components (`coupon-platform:<domain>:<Name>`) group resources; provider resources do not. */
function isComponentType(type: string): boolean {
  return type.startsWith("coupon-platform:");
}

/** The plan as committed and compared: two-space JSON with a final newline. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(sortKeys(plan), null, 2)}\n`;
}

export function parsePlanJson(text: string, origin: string): Plan {
  const parsed = JSON.parse(text) as Partial<Plan>;
  if (!Array.isArray(parsed.resources) || typeof parsed.stack !== "string")
    throw new Error(`${origin} is not a plan (no stack or resources)`);
  return parsed as Plan;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
