import type { DeclaredResource } from "../mock-stack/run-stack";
import { markReferences, REFERENCE } from "./references";
import { byCodeUnits } from "./order";

const ROOT_TYPE = "pulumi:pulumi:Stack";

/**
 * The stack's architecture drawn from what it declares: one node per top-level
 * component, an arrow from a component to each component whose resources it uses —
 * an input carrying another resource's id, ARN or other provider-computed value (an
 * endpoint, a repository URL), or an explicit provider (the cluster, for Kubernetes
 * objects). Drawn from the plan, so the picture changes when the code does.
 */
export interface ComponentGraph {
  readonly nodes: readonly { readonly name: string; readonly type: string; readonly resources: number }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export function componentGraph(declared: readonly DeclaredResource[], componentOf: (resource: DeclaredResource) => string): ComponentGraph {
  const declaredHere = declared.filter((resource) => resource.type !== ROOT_TYPE);
  const componentByUrn = new Map(declaredHere.map((resource) => [resource.urn, componentOf(resource)]));
  const componentByReference = new Map(declaredHere.map((resource) => [`${resource.type}::${resource.name}`, componentOf(resource)]));
  const withReferences = markReferences(declared);
  const edges = new Set<string>();
  const counts = new Map<string, { type: string; resources: number }>();
  for (const resource of declaredHere) {
    const from = componentOf(resource);
    const entry = counts.get(from) ?? { type: "", resources: 0 };
    counts.set(from, { type: entry.type || typeOfComponent(declared, from), resources: entry.resources + 1 });
    const uses = new Set<string>();
    const provider = resource.provider ? componentByUrn.get(resource.provider) : undefined;
    if (provider) uses.add(provider);
    for (const text of stringsIn(withReferences(resource.inputs))) {
      for (const [, type = "", name = ""] of text.matchAll(REFERENCE)) {
        const owner = componentByReference.get(`${type}::${name}`);
        if (owner) uses.add(owner);
      }
    }
    for (const to of uses) if (to !== from) edges.add(`${from}\u0000${to}`);
  }
  return {
    nodes: [...counts].map(([name, { type, resources }]) => ({ name, type, resources })).sort((a, b) => byCodeUnits(a.name, b.name)),
    edges: [...edges].sort().map((edge) => {
      const [from, to] = edge.split("\u0000") as [string, string];
      return { from, to };
    }),
  };
}

function typeOfComponent(declared: readonly DeclaredResource[], name: string): string {
  return (
    declared
      .find((resource) => resource.name === name && resource.type.startsWith("coupon-platform:"))
      ?.type.split(":")
      .pop() ?? "top-level resources"
  );
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([key, inner]) => (key === "tags" ? [] : stringsIn(inner)));
  return [];
}

/** Mermaid source for the graph: `flowchart LR`, component nodes labelled with their kind and size. */
export function renderMermaid(graph: ComponentGraph): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");
  const lines = ["flowchart LR"];
  for (const node of graph.nodes) lines.push(`  ${id(node.name)}["${node.name}<br/>${node.type} · ${node.resources} resources"]`);
  for (const edge of graph.edges) lines.push(`  ${id(edge.from)} --> ${id(edge.to)}`);
  return `${lines.join("\n")}\n`;
}
