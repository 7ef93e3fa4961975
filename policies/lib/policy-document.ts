/**
 * Reading IAM-style policy documents (identity, trust, bucket and key policies) as
 * rules receive them: a JSON string (pulumi.jsonStringify, aws.iam.getPolicyDocument)
 * or an object (aws.iam.PolicyDocument). Nothing about their shape can be assumed.
 */

/** One statement, as parsed. */
export type Statement = Record<string, unknown>;

/**
 * The statements of a document, as found (not every element need be an object). A
 * document that is not valid JSON is AWS's to refuse, not the pack's: it has none.
 */
export function statementsOf(document: unknown): unknown[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return [];
    }
  }
  if (typeof parsed !== "object" || parsed === null) return [];
  const statement = (parsed as Record<string, unknown>).Statement;
  if (Array.isArray(statement)) return statement;
  return typeof statement === "object" && statement !== null ? [statement] : [];
}

/** An element a policy accepts as one value or a list of them, as strings (`false` in a Bool condition reads "false"). */
export function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((item) => item !== undefined && item !== null).map(String);
}

/**
 * The values a condition operator's block gives a key (condition keys are
 * case-insensitive); undefined when the block does not name the key at all.
 */
export function conditionValues(block: unknown, key: string): string[] | undefined {
  if (typeof block !== "object" || block === null) return undefined;
  const entries = Object.entries(block as Record<string, unknown>).filter(([name]) => name.toLowerCase() === key.toLowerCase());
  return entries.length === 0 ? undefined : entries.flatMap(([, values]) => listOf(values));
}
