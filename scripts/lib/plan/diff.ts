import type { Plan, PlannedResource } from "./plan";
import { isStatefulType, replacingEntry } from "./replacement-inputs";
import { REFERENCE } from "./references";
import { nameOf, urnFor } from "../urn";

/** How a change of the `protect` resource option is listed among input changes. */
export const PROTECT_OPTION = "(option) protect";

export interface InputChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceChange {
  readonly resource: PlannedResource;
  /** The URN it had in the base, when an alias carried it over. */
  readonly movedFrom?: string;
  readonly inputs: readonly InputChange[];
}

export interface Danger {
  readonly urn: string;
  readonly type: string;
  readonly reason: string;
}

export interface PlanDiff {
  readonly added: readonly PlannedResource[];
  readonly removed: readonly PlannedResource[];
  readonly changed: readonly ResourceChange[];
  readonly dangers: readonly Danger[];
}

/** 0 no change, 1 changes, 2 a stateful resource would be deleted or replaced. */
export function exitCodeOf(diff: PlanDiff): 0 | 1 | 2 {
  if (diff.dangers.length > 0) return 2;
  return diff.added.length + diff.removed.length + diff.changed.length > 0 ? 1 : 0;
}

/**
 * What changes from the base plan to the head plan, matched the way the engine matches
 * resources: by URN, or through an alias (explicit, or inherited from an aliased
 * parent). A stateful resource that disappears, changes type, or has an input changed
 * that forces replacement is a danger.
 */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
  const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const aliasesOf = effectiveAliases(head);
  const matched = new Set<string>();
  const added: PlannedResource[] = [];
  const changed: ResourceChange[] = [];
  /** "old type::old name" → "new type::new name", for resources an alias moved. */
  const renames = new Map<string, string>();
  const pairs: [PlannedResource, PlannedResource, string | undefined][] = [];

  for (const resource of head.resources) {
    if (baseByUrn.has(resource.urn)) {
      pairs.push([baseByUrn.get(resource.urn) as PlannedResource, resource, undefined]);
      matched.add(resource.urn);
      continue;
    }
    const from = (aliasesOf.get(resource.urn) ?? []).find((alias) => baseByUrn.has(alias) && !headByUrn.has(alias) && !matched.has(alias));
    if (from === undefined) {
      added.push(resource);
      continue;
    }
    const before = baseByUrn.get(from) as PlannedResource;
    matched.add(from);
    pairs.push([before, resource, from]);
    if (before.name !== resource.name || before.type !== resource.type)
      renames.set(`${before.type}::${before.name}`, `${resource.type}::${resource.name}`);
  }

  // A move keeps the physical resource: a reference to its old name is one to its new name.
  const rename = (value: unknown): unknown => renameReferences(value, renames);
  for (const [before, after, movedFrom] of pairs) {
    const inputs = changedInputs(unordered(rename(before.inputs)), unordered(after.inputs));
    // `protect` is an option, not an input, but a reviewer must see it come and go.
    if (before.protect !== after.protect) inputs.push({ path: PROTECT_OPTION, before: before.protect, after: after.protect });
    const typeChanged = before.type !== after.type;
    if (inputs.length > 0 || movedFrom !== undefined || typeChanged)
      changed.push({ resource: after, ...(movedFrom ? { movedFrom } : {}), inputs });
  }
  const removed = base.resources.filter((r) => !matched.has(r.urn));
  return { added, removed, changed, dangers: dangersOf(removed, added, changed, pairs) };
}

function dangersOf(
  removed: readonly PlannedResource[],
  added: readonly PlannedResource[],
  changed: readonly ResourceChange[],
  pairs: readonly [PlannedResource, PlannedResource, string | undefined][],
): Danger[] {
  const dangers: Danger[] = [];
  for (const gone of removed.filter((r) => isStatefulType(r.type))) {
    const successor = successorOf(gone, added);
    const reason = !successor
      ? "deleted: it is no longer declared"
      : successor.type !== gone.type
        ? `replaced: its type changes to ${successor.type} (the engine deletes and creates)`
        : `replaced: declared again as ${successor.urn} without an alias (add \`aliases: [{ name: "${gone.name}"${gone.parent !== successor.parent ? ", parent: <the old parent>" : ""} }]\` to it, or to its renamed parent, to keep it)`;
    dangers.push({ urn: gone.urn, type: gone.type, reason });
  }
  for (const change of changed) {
    const { resource } = change;
    const before = pairs.find(([, after]) => after === resource)?.[0];
    if (before && before.type !== resource.type && isStatefulType(before.type)) {
      dangers.push({ urn: resource.urn, type: before.type, reason: `replaced: its type changes to ${resource.type}` });
      continue;
    }
    const replacing = change.inputs.filter((input) => replacingEntry(resource.type, input) !== undefined);
    if (replacing.length > 0) {
      dangers.push({
        urn: resource.urn,
        type: resource.type,
        reason: `replaced: ${replacing.map((input) => `\`${input.path}\``).join(", ")} changed, which the provider cannot update in place`,
      });
    }
  }
  return dangers;
}

/** Each head resource's aliases, explicit and inherited from aliased ancestors (as the SDK derives them). */
function effectiveAliases(plan: Plan): Map<string, string[]> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string[]>();
  const of = (resource: PlannedResource): string[] => {
    const known = memo.get(resource.urn);
    if (known) return known;
    const aliases = [...resource.aliases];
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent) {
      for (const parentAlias of of(parent)) {
        // A child named after its parent keeps that prefix under the parent's old name.
        const parentOldName = nameOf(parentAlias);
        const childName = resource.name.startsWith(parent.name) ? parentOldName + resource.name.slice(parent.name.length) : resource.name;
        aliases.push(urnFor(plan, resource.type, childName, parentAlias));
      }
    }
    memo.set(resource.urn, aliases);
    return aliases;
  };
  for (const resource of plan.resources) of(resource);
  return memo;
}

/** Leaf-by-leaf differences between two input objects, as dotted paths (`a.b[0].c`). */
export function changedInputs(before: unknown, after: unknown, path = ""): InputChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const bothObjects = isObject(before) && isObject(after);
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  if (bothArrays && before.length === after.length) {
    return before.flatMap((item, i) => changedInputs(item, after[i], `${path}[${i}]`));
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedInputs(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return [{ path, before, after }];
}

/**
 * The added resource that takes a removed one's place: of the same type, the one with
 * its name (under another parent), else the one in its component, else the one whose
 * name is closest; failing those, one of another type with its name (a type change).
 */
function successorOf(gone: PlannedResource, added: readonly PlannedResource[]): PlannedResource | undefined {
  const sameType = added.filter((r) => r.type === gone.type);
  return (
    sameType.find((r) => r.name === gone.name) ??
    sameType.find((r) => r.component === gone.component) ??
    closestByName(gone.name, sameType) ??
    added.find((r) => r.name === gone.name)
  );
}

/** The one candidate whose name ends like the given one the longest (`database-primary` → `db-primary`). */
function closestByName(name: string, candidates: readonly PlannedResource[]): PlannedResource | undefined {
  const suffixLength = (other: string) => {
    let n = 0;
    while (n < name.length && n < other.length && name[name.length - 1 - n] === other[other.length - 1 - n]) n++;
    return n;
  };
  const ranked = candidates.map((candidate) => ({ candidate, n: suffixLength(candidate.name) })).sort((a, b) => b.n - a.n);
  const [best, next] = ranked;
  if (!best || best.n < 3 || (next && next.n === best.n)) return undefined;
  return best.candidate;
}

/**
 * Inputs the provider holds as sets: their order means nothing, and the AWS APIs may
 * hand them back in any order, so a reordering is no change (and never a replacement).
 * Only names known to be sets everywhere they appear are listed; an ordered list (node
 * group instance types, a cache's preferred AZs) keeps its order.
 */
const SET_INPUTS = new Set([
  "availabilityZones",
  "clientSubnets",
  "enabledCloudwatchLogsExports",
  "enabledClusterLogTypes",
  "securityGroupIds",
  "securityGroups",
  "subnetIds",
  "vpcSecurityGroupIds",
]);

function unordered(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => unordered(item));
    return key !== undefined && SET_INPUTS.has(key) && items.every((item) => typeof item === "string") ? [...items].sort() : items;
  }
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, unordered(inner, name)]));
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** References (`${type::name.property}`) to moved resources, written with their new names. */
function renameReferences(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (renames.size === 0) return value;
  if (typeof value === "string") {
    return value.replace(REFERENCE, (reference, type: string, name: string, property: string) => {
      const renamed = renames.get(`${type}::${name}`);
      return renamed === undefined ? reference : `\${${renamed}.${property}}`;
    });
  }
  if (Array.isArray(value)) return value.map((item) => renameReferences(item, renames));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, renameReferences(inner, renames)]));
  return value;
}
