import { parsePlatformConfig } from "../../../infra/config";
import { stackConfig } from "../mock-stack/run-stack";
import { checkStackAgainstPack } from "../stack-policy-check";
import { componentGraph, renderMermaid } from "./architecture";
import { buildPlan, componentNamer } from "./plan";
import { booleanSwitches, type PlanFacts } from "./report";

/** Runs a stack's program under mocks and gathers its plan, profile switches, policy verdict and architecture. */
export async function makePlan(stack: string): Promise<PlanFacts> {
  // Validated first, as the program does: a bad stack fails here, naming the key.
  const config = parsePlatformConfig({ stack, values: stackConfig(stack) });
  const { run, violations, configSource } = await checkStackAgainstPack(stack);
  const plan = buildPlan(run, { project: "coupon-platform", stack, profile: config.profile });
  const mermaid = renderMermaid(componentGraph(run.declared, componentNamer(run.declared)));
  return { plan, switches: booleanSwitches(config), violations, policyConfigSource: configSource, mermaid };
}
