import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { parse } from "yaml";

/**
 * A schema model, like those kubernetes-models ships, for a CRD it has none for: built
 * from a recorded copy of the CRD's OpenAPI schema. The API server prunes fields a
 * structural schema does not declare, so a misspelt field would vanish silently:
 * here every declared object refuses undeclared properties instead.
 */
export function crdSchemaModel(crdFile: string, version: string): new (data: unknown) => { validate(): void } {
  const crd = parse(readFileSync(crdFile, "utf8")) as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Record<string, unknown> } }> };
  };
  const served = crd.spec.versions.find((v) => v.name === version);
  if (!served) throw new Error(`${crdFile} has no version ${version}`);
  const validate = new Ajv({ allErrors: true, strict: false }).compile(closed(served.schema.openAPIV3Schema));
  return class {
    constructor(private readonly data: unknown) {}
    validate(): void {
      if (!validate(this.data)) throw new Error(JSON.stringify(validate.errors));
    }
  };
}

/** The schema with additionalProperties: false on every object that lists its properties (metadata is left open). */
function closed(schema: Record<string, unknown>, key = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(schema)) {
    if (name === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Record<string, unknown>>).map(([prop, sub]) => [prop, closed(sub, prop)]),
      );
    } else if (name === "items" && value && typeof value === "object") {
      out.items = closed(value as Record<string, unknown>);
    } else {
      out[name] = value;
    }
  }
  if (schema.properties && schema.additionalProperties === undefined && key !== "metadata") out.additionalProperties = false;
  return out;
}
