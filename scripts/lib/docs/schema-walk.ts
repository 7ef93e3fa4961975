import { z } from "zod";

export interface SchemaLeaf {
  /** Dotted path: network.vpcCidr, cluster.nodeGroups.apps.minSize. */
  readonly path: string;
  readonly schema: z.ZodType;
}

/** Every leaf of a (nested) object schema, in declaration order; records and arrays are leaves. */
export function leavesOf(schema: z.ZodType, prefix = ""): SchemaLeaf[] {
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      leavesOf(child, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [{ path: prefix, schema }];
}

/**
 * What a leaf accepts, in the words of its own error message: the kit's config rules
 * all fail with "accepted: …", so feeding them a value of no type at all yields it.
 */
export function acceptedBy(schema: z.ZodType): string {
  const result = schema.safeParse(Symbol("probe"));
  const message = result.success ? "" : (result.error.issues[0]?.message ?? "");
  return message.replace(/^accepted: /, "");
}
