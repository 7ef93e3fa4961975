import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { parsePlatformConfig } from "../infra/config";
import { UNSET, unsetKeys } from "../infra/configuration/placeholders";
import { valueAt } from "../infra/configuration/merge";
import { availableProfiles, readProfile } from "../infra/configuration/profiles";
import { REPO_ROOT } from "./lib/mock-stack/run-stack";
import { runPlanScript } from "./lib/plan/plan-process";
import { AWS_REGION, flatConfig, parseAssignment, renderStackFile, setPath, STACK_NAME, STACK_OWN_KEYS } from "./lib/stack-file";

/**
 * `npm run stack:new -- <name> --from <profile> [--region <region>] [--set key=value …]`:
 * writes Pulumi.<name>.yaml picking a profile, with the given overrides, after the same
 * validation the program runs; then prints the stack's plan summary and next steps.
 * Refuses bad names, unknown profiles, overwrites and config the schema rejects
 * (exit 2; nothing is written).
 */
const USAGE = "usage: npm run stack:new -- <name> --from <profile> [--region <aws-region>] [--set key=value …]";

function main(): number {
  let parsed: { values: { from?: string; region?: string; set?: string[] }; positionals: string[] };
  try {
    parsed = parseArgs({
      options: { from: { type: "string" }, region: { type: "string" }, set: { type: "string", multiple: true } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  const [stack, ...extra] = parsed.positionals;
  const { from: profile, set = [] } = parsed.values;
  if (!stack || extra.length > 0 || !profile) return fail(USAGE);
  if (!STACK_NAME.test(stack)) {
    return fail(
      `stack name "${stack}" is not accepted: 2–25 lowercase letters, digits or dashes, starting with a letter and not ending with a dash (it prefixes AWS names as coupon-${stack})`,
    );
  }
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  if (fs.existsSync(file)) return fail(`Pulumi.${stack}.yaml exists already; pick another name or edit that file (nothing was written)`);
  const profiles = availableProfiles();
  if (!profiles.includes(profile))
    return fail(`--from ${profile}: unknown profile; accepted: ${profiles.join(", ")} (the files in stacks/)`);
  const region = parsed.values.region ?? regionOfProfileStack(profile);
  if (!region)
    return fail(`--region is required (no Pulumi.${profile}.yaml to take a region from); accepted: an AWS region such as eu-west-1`);
  if (!AWS_REGION.test(region))
    return fail(`--region ${region}: not an AWS region name; accepted: such as eu-west-1, us-east-2, ap-southeast-1`);

  const overrides: Record<string, unknown> = { tags: { environment: stack } };
  let toSet: string[];
  try {
    for (const assignment of set) {
      const { path: keyPath, value } = parseAssignment(assignment);
      setPath(overrides, keyPath, value);
    }
    writeOwnKeys(overrides, readProfile(profile));
    // What is still "unset" renders in the plan and stops `pulumi preview`/`up` until set.
    toSet = unsetKeys(parsePlatformConfig({ stack, values: flatConfig(region, profile, overrides) }));
  } catch (error) {
    return fail(`the stack's config is not accepted (nothing was written):\n${(error as Error).message}`);
  }

  fs.writeFileSync(file, renderStackFile(stack, region, profile, overrides, toSet));
  console.log(`wrote Pulumi.${stack}.yaml (profile ${profile}, region ${region})\n`);
  const plan = runPlanScript(["--stack", stack]);
  process.stdout.write(plan.stdout);
  if (plan.status !== 0) process.stderr.write(plan.stderr);
  console.log(nextSteps(stack, profile, toSet));
  return 0;
}

/**
 * Writes into the stack file the keys every stack owns (its certificate, and who may
 * reach a public API endpoint), taking the profile's value — "unset" where the
 * profile leaves it to the stack — when the command line gave none.
 */
function writeOwnKeys(overrides: Record<string, unknown>, profile: unknown): void {
  for (const keyPath of STACK_OWN_KEYS) {
    if (valueAt(overrides, keyPath) === undefined) setPath(overrides, keyPath, valueAt(profile, keyPath));
  }
  const publicEndpoint = valueAt(overrides, ["cluster", "endpointPublicAccess"]) ?? valueAt(profile, ["cluster", "endpointPublicAccess"]);
  const cidrs = valueAt(overrides, ["cluster", "publicAccessCidrs"]) ?? valueAt(profile, ["cluster", "publicAccessCidrs"]);
  if (publicEndpoint === true && Array.isArray(cidrs) && cidrs.length === 0) setPath(overrides, ["cluster", "publicAccessCidrs"], [UNSET]);
}

function regionOfProfileStack(profile: string): string | undefined {
  const file = path.join(REPO_ROOT, `Pulumi.${profile}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  const document = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const region = document.config?.["aws:region"];
  return typeof region === "string" ? region : undefined;
}

function nextSteps(stack: string, profile: string, toSet: readonly string[]): string {
  const unset =
    toSet.length > 0 ? `set what is still "${UNSET}" (${toSet.join(", ")}): \`pulumi preview\` and \`pulumi up\` refuse it; ` : "";
  return [
    "",
    "next steps:",
    `  1. review Pulumi.${stack}.yaml: ${unset}cluster.adminRoleArn for your operators' role, and delivery.hostname.`,
    "     No secret needs setting: the database password, the cache AUTH token and the gateway's JWT key are generated by Pulumi (encrypted in its state).",
    `  2. npm run policy -- --stack ${stack}          # the policy pack at the ${profile} levels`,
    "  3. npm run plan:update                         # commit the stack's plan snapshot with the stack file",
    `  4. pulumi stack init ${stack}`,
    `  5. pulumi preview --stack ${stack} --policy-pack policies --policy-pack-config policies/config/${profile}.json`,
  ].join("\n");
}

function fail(message: string): number {
  console.error(`stack:new: ${message}`);
  return 2;
}

process.exit(main());
