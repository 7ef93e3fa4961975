/**
 * URNs as the engine builds them: `urn:pulumi:<stack>::<project>::<type chain>::<name>`,
 * where a child's type is qualified by its parent's whole type chain and the root
 * stack qualifies nothing.
 */
export function urnFor(identity: { stack: string; project: string }, type: string, name: string, parentUrn?: string | null): string {
  const parentChain = parentUrn ? typeChainOf(parentUrn) : undefined;
  const qualified = parentChain ? `${parentChain}$${type}` : type;
  return `urn:pulumi:${identity.stack}::${identity.project}::${qualified}::${name}`;
}

export function typeChainOf(urn: string): string {
  return urn.split("::")[2] ?? "";
}

export function nameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}
