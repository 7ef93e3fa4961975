import {
  unknownCheckingProxy,
  UnknownValueError,
  type EnforcementLevel,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { levelOf, settingsOf, type PackConfig } from "../lib/pack-config";
import { toPolicy, type Rule } from "../lib/rule";

/**
 * Feeds resources to the pack's rules the way the Pulumi engine's analyzer does:
 * the same policy objects the pack registers (`toPolicy`), inputs wrapped in the
 * engine's unknown-checking proxy, resource options, parents, per-rule settings and
 * levels resolved from a config file. Rule tests, the closed-loop stack checks and
 * `npm run policy` all go through it.
 */

/** A resource as a test (or the mock stack run) describes it. */
export interface ResourceUnderTest {
  readonly type: string;
  /** The inputs the program declared: what resource rules see. */
  readonly props: Record<string, unknown>;
  /**
   * The resource's state after the step (the inputs plus what the provider fills in,
   * such as `id` and `arn`): what stack rules see, as the engine hands them outputs.
   * Defaults to `props`.
   */
  readonly outputs?: Record<string, unknown>;
  readonly name?: string;
  readonly urn?: string;
  /** The parent's URN. */
  readonly parent?: string;
  readonly options?: Partial<PolicyResourceOptions>;
}

export interface Violation {
  readonly rule: string;
  readonly level: EnforcementLevel;
  readonly urn: string;
  readonly message: string;
}

// The engine's markers for values unknown during preview (internal to @pulumi/policy,
// which exports no typings for them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels = require("@pulumi/policy/proxy") as Record<string, string>;

/** Values the engine sends, during preview, for inputs that depend on resources not created yet. */
export const unknown = {
  string: sentinels.unknownStringValue as string,
  number: sentinels.unknownNumberValue as unknown as number,
  boolean: sentinels.unknownBooleanValue as unknown as boolean,
  array: sentinels.unknownArrayValue as unknown as unknown[],
  object: sentinels.unknownObjectValue as unknown as Record<string, unknown>,
};

/** One rule against one resource; the rule runs at the level the config gives it. */
export function checkResource(rule: Rule, resource: ResourceUnderTest, config: PackConfig = {}): Promise<Violation[]> {
  return runPack([rule], [resource], config);
}

/** One rule against a whole stack of resources. */
export function checkStack(rule: Rule, resources: readonly ResourceUnderTest[], config: PackConfig = {}): Promise<Violation[]> {
  return runPack([rule], resources, config);
}

/**
 * Every rule against every resource, as `pulumi preview --policy-pack` runs them:
 * resource rules per resource, then stack rules once over all of them. Disabled rules
 * do not run. A rule that throws fails the run, as it fails a preview.
 */
export async function runPack(rules: readonly Rule[], resources: readonly ResourceUnderTest[], config: PackConfig): Promise<Violation[]> {
  const violations: Violation[] = [];
  const described = resources.map(describe);
  for (const rule of rules) {
    const level = levelOf(rule, config);
    if (level === "disabled") continue;
    const policy = toPolicy(rule);
    const settings = settingsOf(rule, config);
    const reporterFor = (defaultUrn: string) => (message: string, urn?: string) =>
      violations.push({ rule: rule.name, level, urn: urn ?? defaultUrn, message });
    if (rule.kind === "resource") {
      const validate = (policy as ResourceValidationPolicy).validateResource as ResourceValidation;
      for (const resource of described) {
        await runGuarded(rule, level, resource.urn, violations, () =>
          validate(resourceArgs(resource, settings), reporterFor(resource.urn)),
        );
      }
    } else {
      const validate = (policy as StackValidationPolicy).validateStack;
      const stackUrn = "urn:pulumi:stack";
      const args = {
        resources: policyResources(described),
        stackTags: new Map(),
        getConfig: <T extends object>() => settings as T,
        notApplicable,
      };
      await runGuarded(rule, level, stackUrn, violations, () => validate(args, reporterFor(stackUrn)));
    }
  }
  return violations;
}

interface Described {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent?: string;
  readonly props: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly opts: PolicyResourceOptions;
}

function describe(resource: ResourceUnderTest, index: number): Described {
  const name = resource.name ?? `resource-${index}`;
  return {
    type: resource.type,
    name,
    urn: resource.urn ?? `urn:pulumi:test::test::${resource.type}::${name}`,
    parent: resource.parent,
    props: resource.props,
    outputs: resource.outputs ?? resource.props,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...(resource.parent ? { parent: resource.parent } : {}),
      ...resource.options,
    },
  };
}

function resourceArgs(resource: Described, settings: Record<string, unknown>): ResourceValidationArgs {
  return {
    type: resource.type,
    props: unknownCheckingProxy(resource.props),
    urn: resource.urn,
    name: resource.name,
    opts: resource.opts,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => settings as T,
    notApplicable,
  };
}

function policyResources(described: readonly Described[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const list = described.map((resource) => {
    const policyResource: PolicyResource = {
      type: resource.type,
      props: unknownCheckingProxy(resource.outputs),
      urn: resource.urn,
      name: resource.name,
      opts: resource.opts,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  described.forEach((resource, i) => {
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent) (list[i] as PolicyResource).parent = parent;
  });
  return list;
}

class NotApplicableError extends Error {}
function notApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

/** As the engine's analyzer: an unknown that escapes a rule is an advisory "can't run", not-applicable is silence. */
async function runGuarded(
  rule: Rule,
  level: EnforcementLevel,
  urn: string,
  violations: Violation[],
  run: () => Promise<void> | void,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof NotApplicableError) return;
    if (error instanceof UnknownValueError) {
      violations.push({
        rule: rule.name,
        level: "advisory",
        urn,
        message: `can't run policy '${rule.name}' during preview: ${(error as Error).message}`,
      });
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`rule ${rule.name} failed on ${urn} (level ${level}): ${reason}`, { cause: error });
  }
}
