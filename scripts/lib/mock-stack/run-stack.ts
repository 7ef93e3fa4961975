import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { AwsMocks, type CapturedResource } from "./aws-mocks";
import { OFFLINE_PLAN_ENV } from "../../../infra/configuration/placeholders";
import { urnFor } from "../urn";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Reads Pulumi.<stack>.yaml into the flat "namespace:key" → string map Pulumi hands a program. */
export function stackConfig(stack: string): Record<string, string> {
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  const document = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(document.config ?? {})) {
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/** The resource options a policy analyzer is handed, as the program declared them. */
export interface DeclaredOptions {
  readonly protect: boolean;
  readonly ignoreChanges: string[];
  readonly deleteBeforeReplace?: boolean;
  readonly retainOnDelete: boolean;
  /** Aliases given as URN strings; alias objects (name/parent specs) are resolved to URNs by the engine and counted here by their presence. */
  readonly aliases: string[];
  readonly additionalSecretOutputs: string[];
}

/** A captured resource with where it sits in the stack: its URN, its parent's URN and its options. */
export interface DeclaredResource extends CapturedResource {
  readonly urn: string;
  readonly parent?: string;
  /** The URN of the explicit provider resource it was declared with, if any. */
  readonly provider?: string;
  readonly options: DeclaredOptions;
}

export interface StackRun {
  readonly resources: CapturedResource[];
  /** Every resource the program registered (the root stack included), in registration order, with URN, parent and options. */
  readonly declared: DeclaredResource[];
  /** What each resource (by "type::name") was declared to depend on, as "type::name". */
  readonly dependsOn: ReadonlyMap<string, string[]>;
  /** The program's stack outputs (infra/index.ts exports). */
  readonly outputs: Record<string, unknown>;
  ofType(type: string): CapturedResource[];
  one(type: string, name: string): CapturedResource;
}

/**
 * Runs the real program (infra/index.ts) for a stack under Pulumi's mock runtime,
 * with the stack's real config file, and returns every resource it declared with
 * its resolved inputs. Pulumi's runtime is process-global: call this once per test
 * file (vitest runs each file in its own fork).
 */
export async function runStack(stack: string, configOverrides: Record<string, string> = {}): Promise<StackRun> {
  // An offline run renders values a stack has yet to set ("unset") instead of refusing them.
  process.env[OFFLINE_PLAN_ENV] = "1";
  const config = { ...stackConfig(stack), ...configOverrides };
  const mocks = new AwsMocks(config["aws:region"] ?? "us-east-1");
  await pulumi.runtime.setMocks(mocks, "coupon-platform", stack, false);
  pulumi.runtime.setAllConfig(config, []);
  const declaredDependencies = new Map<string, pulumi.Resource[]>();
  const declaredResources: SeenResource[] = [];
  let outputs: Record<string, unknown> = {};
  // As the Pulumi engine runs a program: inside the root stack resource, which a
  // stack transformation needs; the transformation records each resource's dependsOn.
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((resource) => {
      const dependsOn = resource.opts.dependsOn;
      const list = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
      // A resource reference read back from a provider's outputs is rebuilt with
      // opts.urn: it is not a declaration, and the program's own one was seen already.
      if ((resource.opts as { urn?: string }).urn !== undefined) return undefined;
      const key = `${resource.type}::${resource.name}`;
      declaredDependencies.set(key, list.filter(pulumi.Resource.isInstance));
      declaredResources.push({
        key,
        type: resource.type,
        name: resource.name,
        resource: resource.resource,
        opts: resource.opts as pulumi.CustomResourceOptions,
      });
      return undefined;
    });
    outputs = (await import("../../../infra/index")) as Record<string, unknown>;
    return undefined;
  });
  await pulumi.runtime.disconnect();

  const resources = mocks.resources;
  const dependsOn = new Map<string, string[]>();
  for (const [key, list] of declaredDependencies) {
    const urns = await Promise.all(list.map((dependency) => valueOf(dependency.urn)));
    // urn:pulumi:<stack>::<project>::<type chain>::<name>
    dependsOn.set(
      key,
      urns.map((urn) => {
        const parts = String(urn).split("::");
        return `${parts[2]?.split("$").pop()}::${parts[3]}`;
      }),
    );
  }
  const declared = await describeDeclared(resources, declaredResources);
  return {
    resources,
    declared,
    dependsOn,
    outputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found)
        throw new Error(
          `no ${type} named ${name}; declared: ${resources
            .filter((r) => r.type === type)
            .map((r) => r.name)
            .join(", ")}`,
        );
      return found;
    },
  };
}

/**
 * Joins what the mocks captured (type, name, resolved inputs) with what the stack
 * transformation saw (the resource object and its options). Resources are matched by
 * type and name, so two resources sharing both would be ambiguous: that fails loudly.
 */
async function describeDeclared(resources: CapturedResource[], seen: SeenResource[]): Promise<DeclaredResource[]> {
  const byKey = new Map<string, SeenResource>();
  const byObject = new Map<pulumi.Resource, SeenResource>();
  for (const entry of seen) {
    if (byKey.has(entry.key)) throw new Error(`two resources are declared as ${entry.key}: the mock harness cannot tell them apart`);
    byKey.set(entry.key, entry);
    byObject.set(entry.resource, entry);
  }
  const rootUrn = engineUrn("pulumi:pulumi:Stack", `${pulumi.getProject()}-${pulumi.getStack()}`);
  const urnOf = (entry: SeenResource): string => {
    const parent = entry.opts.parent ? byObject.get(entry.opts.parent) : undefined;
    return engineUrn(entry.type, entry.name, parent ? urnOf(parent) : undefined);
  };
  return Promise.all(
    resources.map(async (captured) => {
      const entry = byKey.get(`${captured.type}::${captured.name}`);
      if (!entry) return { ...captured, urn: rootUrn, options: NO_OPTIONS };
      const opts = entry.opts;
      const parentEntry = opts.parent ? byObject.get(opts.parent) : undefined;
      const parentUrn = parentEntry ? urnOf(parentEntry) : undefined;
      const aliases = await Promise.all(
        (opts.aliases ?? []).map((alias) => aliasUrn(alias, entry, parentUrn, (r) => byObject.get(r), urnOf)),
      );
      const providerEntry = opts.provider ? byObject.get(opts.provider) : undefined;
      return {
        ...captured,
        urn: urnOf(entry),
        parent: parentUrn ?? rootUrn,
        ...(providerEntry ? { provider: urnOf(providerEntry) } : {}),
        options: {
          protect: opts.protect ?? false,
          ignoreChanges: opts.ignoreChanges ?? [],
          deleteBeforeReplace: opts.deleteBeforeReplace,
          retainOnDelete: opts.retainOnDelete ?? false,
          aliases,
          additionalSecretOutputs: opts.additionalSecretOutputs ?? [],
        },
      };
    }),
  );
}

interface SeenResource {
  readonly key: string;
  readonly type: string;
  readonly name: string;
  readonly resource: pulumi.Resource;
  readonly opts: pulumi.CustomResourceOptions;
}

/**
 * The URN an alias stands for, as the engine computes it: an alias object's missing
 * name, type and parent default to the resource's own.
 */
async function aliasUrn(
  alias: pulumi.Input<string | pulumi.Alias>,
  entry: SeenResource,
  parentUrn: string | undefined,
  seenOf: (resource: pulumi.Resource) => SeenResource | undefined,
  urnOf: (seen: SeenResource) => string,
): Promise<string> {
  const resolved = pulumi.Resource.isInstance(alias) ? alias : await valueOf(alias as pulumi.Input<string | pulumi.Alias>);
  if (typeof resolved === "string") return resolved;
  const spec = (resolved ?? {}) as pulumi.Alias;
  let aliasParent = parentUrn;
  if (pulumi.Resource.isInstance(spec.parent)) {
    const seen = seenOf(spec.parent);
    aliasParent = seen ? urnOf(seen) : undefined;
  } else if (spec.parent !== undefined) {
    // The root stack as parent means "no qualifying parent type", as for any top-level resource.
    const urn = String(await valueOf(spec.parent));
    aliasParent = urn.includes("::pulumi:pulumi:Stack::") ? undefined : urn;
  }
  const name = spec.name === undefined ? entry.name : String(await valueOf(spec.name));
  const type = spec.type === undefined ? entry.type : String(await valueOf(spec.type));
  return engineUrn(type, name, aliasParent);
}

const NO_OPTIONS: DeclaredOptions = { protect: false, ignoreChanges: [], retainOnDelete: false, aliases: [], additionalSecretOutputs: [] };

/** A URN in the running stack, built as the engine builds it. */
function engineUrn(type: string, name: string, parentUrn?: string): string {
  return urnFor({ stack: pulumi.getStack(), project: pulumi.getProject() }, type, name, parentUrn);
}

/** The value of an Output (or a plain value), for assertions. */
export function valueOf<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T | undefined)));
}
