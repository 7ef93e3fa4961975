import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePlatformConfig } from "../../infra/config";
import { REPO_ROOT, stackConfig } from "../../scripts/lib/mock-stack/run-stack";
import { runScriptAsync, type ScriptResult } from "../../scripts/lib/plan/plan-process";

/** Stack names unique to this run, so parallel runs and real stacks never meet. */
const fork = `fork-${process.pid}`;
const devFork = `devfork-${process.pid}`;
const stackFile = (stack: string) => path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
const stackNew = (...args: string[]) => runScriptAsync("stack-new.ts", args);
const policy = (stack: string) => runScriptAsync("policy.ts", ["--stack", stack]);

afterAll(() => {
  for (const stack of [fork, devFork]) {
    fs.rmSync(stackFile(stack), { force: true });
    for (const suffix of ["plan.json", "plan.md", "architecture.mmd"])
      fs.rmSync(path.join(REPO_ROOT, "dist", "plan", `${stack}.${suffix}`), { force: true });
  }
});

describe("npm run stack:new", () => {
  let created: ScriptResult;
  let createdDev: ScriptResult;

  beforeAll(async () => {
    [created, createdDev] = await Promise.all([
      stackNew(
        fork,
        "--from",
        "prod",
        "--region",
        "eu-central-1",
        "--set",
        "delivery.hostname=coupons.team-a.example.com",
        "--set",
        "kafka.brokerCount=6",
      ),
      // The dev profile's API endpoint is public: who may reach it is left "unset" for the owner.
      stackNew(devFork, "--from", "dev"),
    ]);
  }, 120_000);

  it("writes Pulumi.<name>.yaml with the profile, region and overrides, and prints the plan summary and next steps", () => {
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    const document = parse(fs.readFileSync(stackFile(fork), "utf8")) as { config: Record<string, unknown> };
    expect(document.config["aws:region"]).toBe("eu-central-1");
    expect(document.config["coupon-platform:profile"]).toBe("prod");
    expect(document.config["coupon-platform:kafka"]).toEqual({ brokerCount: 6 });
    expect(document.config["coupon-platform:delivery"]).toMatchObject({ hostname: "coupons.team-a.example.com" });
    expect(created.stdout).toContain(`plan of stack ${fork} (profile prod)`);
    expect(created.stdout).toContain(`pulumi stack init ${fork}`);
    expect(created.stdout).toContain("pulumi preview");
  });

  it('writes the keys a stack must own, leaving "unset" what only its owner can set, and says so', () => {
    const text = fs.readFileSync(stackFile(fork), "utf8");
    expect(text).toMatch(
      /Still "unset", to set before `pulumi preview` or `pulumi up` \(npm run plan renders it\): delivery\.certificateArn\./,
    );
    expect(
      (parse(text) as { config: Record<string, { certificateArn?: string }> }).config["coupon-platform:delivery"]?.certificateArn,
    ).toBe("unset");
    expect(created.stdout).toContain('set what is still "unset" (delivery.certificateArn)');
    // A dev fork's public API endpoint: the CIDRs too.
    const devText = fs.readFileSync(stackFile(devFork), "utf8");
    expect(
      (parse(devText) as { config: Record<string, { publicAccessCidrs?: string[] }> }).config["coupon-platform:cluster"]?.publicAccessCidrs,
    ).toEqual(["unset"]);
    expect(createdDev.stdout).toContain('set what is still "unset" (cluster.publicAccessCidrs[0], delivery.certificateArn)');
  });

  it("writes a file the program accepts as it is", () => {
    const config = parsePlatformConfig({ stack: fork, values: stackConfig(fork) });
    expect(config.profile).toBe("prod");
    expect(config.kafka.brokerCount).toBe(6);
  });

  it("gives a prod fork a plan with no policy violation, and a dev fork none that is mandatory", async () => {
    expect(created.stdout).toMatch(/policy pack \(policies\/config\/prod\.json\): no violations/);
    expect(createdDev.stderr).toBe("");
    expect(createdDev.status).toBe(0);
    expect(createdDev.stdout).not.toMatch(/policy pack .*mandatory/);
    const [prodCheck, devCheck] = await Promise.all([policy(fork), policy(devFork)]);
    expect(prodCheck.status).toBe(0);
    expect(devCheck.status).toBe(0);
  }, 120_000);

  it.each([
    [
      "a name AWS resource names cannot carry",
      ["Bad_Name", "--from", "dev"],
      /stack name "Bad_Name" is not accepted: 2–25 lowercase letters/,
    ],
    ["a name too long", ["a".repeat(26), "--from", "dev"], /is not accepted/],
    ["an unknown profile", ["newstack", "--from", "staging"], /--from staging: unknown profile; accepted: dev, prod/],
    ["an existing stack", ["prod", "--from", "prod"], /Pulumi\.prod\.yaml exists already/],
    ["an unknown key", ["newstack", "--from", "dev", "--set", "databse.multiAz=true"], /coupon-platform:databse .*unknown key/],
    ["a value the schema rejects", ["newstack", "--from", "dev", "--set", "network.azCount=7"], /network\.azCount/],
    ["a malformed --set", ["newstack", "--from", "dev", "--set", "multiAz"], /expected key=value/],
    ["a region that is not one", ["newstack", "--from", "dev", "--region", "europe"], /--region europe: not an AWS region name/],
    ["a missing --from", ["newstack"], /usage: npm run stack:new/],
  ])(
    "refuses %s with a clear message, writing nothing",
    async (_what, args, message) => {
      const before = fs.readdirSync(REPO_ROOT).filter((file) => file.startsWith("Pulumi."));
      const prodFile = fs.readFileSync(stackFile("prod"), "utf8");
      const result = await stackNew(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(fs.readdirSync(REPO_ROOT).filter((file) => file.startsWith("Pulumi."))).toEqual(before);
      expect(fs.readFileSync(stackFile("prod"), "utf8")).toBe(prodFile);
    },
    60_000,
  );
});
