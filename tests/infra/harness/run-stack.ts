import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { AwsMocks, type CapturedResource } from "./aws-mocks";

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

export interface StackRun {
  readonly resources: CapturedResource[];
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
  const config = { ...stackConfig(stack), ...configOverrides };
  const mocks = new AwsMocks(config["aws:region"] ?? "us-east-1");
  await pulumi.runtime.setMocks(mocks, "coupon-platform", stack, false);
  pulumi.runtime.setAllConfig(config, []);
  const declaredDependencies = new Map<string, pulumi.Resource[]>();
  let outputs: Record<string, unknown> = {};
  // As the Pulumi engine runs a program: inside the root stack resource, which a
  // stack transformation needs; the transformation records each resource's dependsOn.
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((resource) => {
      const dependsOn = resource.opts.dependsOn;
      const list = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
      declaredDependencies.set(`${resource.type}::${resource.name}`, list.filter(pulumi.Resource.isInstance));
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
    dependsOn.set(key, urns.map((urn) => { const parts = String(urn).split("::"); return `${parts[2]?.split("$").pop()}::${parts[3]}`; }));
  }
  return {
    resources,
    dependsOn,
    outputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`no ${type} named ${name}; declared: ${resources.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
      return found;
    },
  };
}

/** The value of an Output (or a plain value), for assertions. */
export function valueOf<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T | undefined)));
}
