import { parsePlatformConfig } from "../../../infra/config";
import { ALL_RULES } from "../../../policies/rules";
import { runPack } from "../../../policies/testing/harness";
import { runStack, stackConfig } from "../mock-stack/run-stack";
import { packConfigFor, toPackInput } from "../stack-policy-check";
import { componentGraph, renderMermaid } from "./architecture";
import { buildPlan, componentNamer } from "./plan";
import { booleanSwitches, type PlanFacts } from "./report";

/** Runs a stack's program under mocks and gathers its plan, profile switches, policy verdict and architecture. */
export async function makePlan(stack: string): Promise<PlanFacts> {
  const values = stackConfig(stack);
  // Validated first, as the program does: a bad stack fails here, naming the key.
  const config = parsePlatformConfig({ stack, values });
  const run = await runStack(stack);
  const plan = buildPlan(run, { project: "coupon-platform", stack, profile: config.profile });
  const { config: packConfig, source } = packConfigFor(stack, config.profile);
  const violations = await runPack(ALL_RULES, run.declared.map(toPackInput), packConfig);
  const mermaid = renderMermaid(componentGraph(run.declared, componentNamer(run.declared)));
  return { plan, switches: booleanSwitches(config), violations, policyConfigSource: source, mermaid };
}
