import type { DeclaredResource } from "../mock-stack/run-stack";
import { byCodeUnits } from "./order";

/**
 * Values a resource's provider computed (in its outputs, not among its inputs): ids,
 * ARNs, endpoints, generated names. In a real preview they are unknown until the
 * resource exists; under mocks they are made up from logical names, so a plan that
 * showed them literally would change when a resource is merely renamed.
 */
export interface ComputedValue {
  readonly value: string;
  readonly owner: DeclaredResource;
  readonly property: string;
}

export function computedValues(declared: readonly DeclaredResource[]): ComputedValue[] {
  const byValue = new Map<string, ComputedValue[]>();
  for (const owner of declared) {
    for (const [property, value] of Object.entries(owner.outputs)) {
      if (typeof value !== "string" || property in owner.inputs || !identifies(value, owner)) continue;
      byValue.set(value, [...(byValue.get(value) ?? []), { value, owner, property }]);
    }
  }
  // A value several resources compute (an availability zone, an account id) names none of them.
  const values = [...byValue.values()]
    .filter((entries) => new Set(entries.map((entry) => entry.owner)).size === 1)
    .map((entries) => entries[0] as ComputedValue);
  // Longest first, so an ARN is recognised before the id it ends with.
  return values.sort((a, b) => b.value.length - a.value.length || byCodeUnits(a.value, b.value));
}

/** Long values, or ones carrying the resource's name, cannot be mistaken for a literal the program wrote. */
function identifies(value: string, owner: DeclaredResource): boolean {
  return value.length >= 12 || value.includes(owner.name);
}

/** How the plan writes "this resource's computed property": `${<type>::<name>.<property>}`. */
export function referenceTo(type: string, name: string, property: string): string {
  return `\${${type}::${name}.${property}}`;
}

/** Matches the references `referenceTo` writes, capturing type and name. */
export const REFERENCE = /\$\{([^{}]+?)::([^{}]+?)\.([A-Za-z0-9_]+)\}/g;

/**
 * Rewrites inputs so that values taken from another resource's computed outputs read
 * as references to it. Whole values match; inside longer strings (a policy document,
 * a URL) only values of 12 characters or more, which cannot be a coincidence.
 */
export function markReferences(declared: readonly DeclaredResource[]): (inputs: unknown) => unknown {
  const computed = computedValues(declared);
  const whole = new Map<string, ComputedValue>();
  for (const entry of computed) if (!whole.has(entry.value)) whole.set(entry.value, entry);
  const embeddable = computed.filter((entry) => entry.value.length >= 12);
  const mark = (value: unknown): unknown => {
    if (typeof value === "string") {
      const exact = whole.get(value);
      if (exact) return referenceTo(exact.owner.type, exact.owner.name, exact.property);
      let text = value;
      for (const entry of embeddable)
        if (text.includes(entry.value))
          text = text.split(entry.value).join(referenceTo(entry.owner.type, entry.owner.name, entry.property));
      return text;
    }
    if (Array.isArray(value)) return value.map(mark);
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mark(inner)]));
    return value;
  };
  return mark;
}
