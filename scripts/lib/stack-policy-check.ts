import * as fs from "fs";
import * as path from "path";
import { configProblems, isProfile, profileConfig, type PackConfig } from "../../policies/lib/pack-config";
import type { Rule } from "../../policies/lib/rule";
import { ALL_RULES } from "../../policies/rules";
import { runPack, type ResourceUnderTest, type Violation } from "../../policies/testing/harness";
import { REPO_ROOT, runStack, stackConfig, type DeclaredResource, type StackRun } from "./mock-stack/run-stack";

export const POLICY_CONFIG_DIR = path.join(REPO_ROOT, "policies", "config");

/** A declared resource as the engine hands it to the pack: inputs to resource rules, outputs to stack rules. */
export function toPackInput(resource: DeclaredResource): ResourceUnderTest {
  const { options } = resource;
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    parent: resource.parent,
    props: resource.inputs,
    outputs: resource.outputs,
    options: {
      protect: options.protect,
      ignoreChanges: options.ignoreChanges,
      aliases: options.aliases,
      additionalSecretOutputs: options.additionalSecretOutputs,
      ...(options.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: options.deleteBeforeReplace } : {}),
    },
  };
}

export interface PackConfigChoice {
  readonly config: PackConfig;
  /** Where the levels came from, for the report. */
  readonly source: string;
}

/**
 * The config a stack is checked with: an explicit file; else the stack's own
 * `policies/config/<stack>.json` (a fork's overrides); else its profile's file; else,
 * for a profile the kit does not ship, the strictest (prod) levels.
 */
export function packConfigFor(stack: string, profile: string, explicitFile?: string, rules: readonly Rule[] = ALL_RULES): PackConfigChoice {
  const choice = findPackConfig(stack, profile, explicitFile);
  // A file that lowers a locked rule or names what does not exist is refused wherever it is read.
  const problems = configProblems(rules, choice.config);
  if (problems.length > 0) throw new Error(`the policy config (${choice.source}) is not accepted:\n  ${problems.join("\n  ")}`);
  return choice;
}

function findPackConfig(stack: string, profile: string, explicitFile?: string): PackConfigChoice {
  const candidates = explicitFile
    ? [path.resolve(explicitFile)]
    : [path.join(POLICY_CONFIG_DIR, `${stack}.json`), path.join(POLICY_CONFIG_DIR, `${profile}.json`)];
  for (const file of candidates) {
    if (fs.existsSync(file)) return { config: JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig, source: displayPath(file) };
    if (explicitFile) throw new Error(`--config ${explicitFile}: no such file`);
  }
  if (isProfile(profile)) return { config: profileConfig(ALL_RULES, profile), source: `the ${profile} levels of the rule table` };
  return {
    config: profileConfig(ALL_RULES, "prod"),
    source: `the prod levels (profile "${profile}" has no policies/config/${profile}.json)`,
  };
}

function displayPath(file: string): string {
  const inRepo = path.relative(REPO_ROOT, file);
  return inRepo.startsWith("..") ? file : inRepo;
}

export interface StackCheck {
  readonly stack: string;
  readonly profile: string;
  readonly config: PackConfig;
  readonly configSource: string;
  /** What the stack declares, as the pack saw it. */
  readonly resources: readonly ResourceUnderTest[];
  readonly rules: readonly Rule[];
  readonly violations: readonly Violation[];
  /** The mock run itself, for what else is drawn from it (the plan). */
  readonly run: StackRun;
}

/** Runs the stack's program under mocks and every resource it declares through the pack. */
export async function checkStackAgainstPack(
  stack: string,
  options: { configFile?: string; rules?: readonly Rule[]; configOverrides?: Record<string, string> } = {},
): Promise<StackCheck> {
  const profile = stackConfig(stack)["coupon-platform:profile"] ?? "prod";
  const rules = options.rules ?? ALL_RULES;
  const { config, source } = packConfigFor(stack, profile, options.configFile, rules);
  const run = await runStack(stack, options.configOverrides);
  const resources = run.declared.map(toPackInput);
  const violations = await runPack(rules, resources, config);
  return { stack, profile, config, configSource: source, resources, rules, violations, run };
}
