import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly strategy?: { matrix: { include: Record<string, string>[] } };
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const workflow = (file: string) => parse(read(file)) as Workflow;
const allFiles = fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
const stepsUsing = (job: Job, action: string) => job.steps.filter((step) => step.uses?.startsWith(`${action}@`));
const runs = (job: Job) => job.steps.map((step) => step.run ?? "").join("\n");

/** Which write permissions each job may hold, and why. */
const WRITES_ALLOWED: Record<string, Record<string, string[]>> = {
  "pull-request.yml": { comment: ["pull-requests"], preview: ["id-token", "pull-requests"] },
  "deploy.yml": { "up-dev": ["id-token"], "up-prod": ["id-token"] },
};

describe("GitHub workflows", () => {
  it("are the pull-request and deploy workflows", () => {
    expect(allFiles.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
  });

  describe.each(allFiles)("%s", (file) => {
    const parsed = workflow(file);
    const jobs = Object.entries(parsed.jobs);

    it("pins every action to a full 40-character commit SHA", () => {
      const uses = jobs.flatMap(([, job]) => job.steps.map((step) => step.uses).filter((u): u is string => u !== undefined));
      expect(uses.length).toBeGreaterThan(0);
      for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    });

    it("grants nothing at the top and only the writes each job needs", () => {
      expect(parsed.permissions).toEqual({});
      for (const [name, job] of jobs) {
        expect(job.permissions, `${name} declares its permissions`).toBeDefined();
        const writes = Object.entries(job.permissions ?? {}).filter(([, access]) => access === "write").map(([scope]) => scope).sort();
        expect(writes, name).toEqual(WRITES_ALLOWED[file]?.[name] ?? []);
        expect(Object.values(job.permissions ?? {}).every((access) => access === "read" || access === "write" || access === "none")).toBe(true);
      }
    });

    it("never echoes a secret: secrets reach only action inputs and step env, never a shell line", () => {
      const text = read(file);
      for (const [, job] of jobs) {
        for (const step of job.steps) {
          expect(step.run ?? "").not.toMatch(/secrets\./);
          expect(step.run ?? "").not.toMatch(/set -x|PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE/);
        }
      }
      expect(text).not.toMatch(/pull_request_target/);
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    });

    it("checks out without leaving the token in the workspace", () => {
      for (const [, job] of jobs) for (const step of stepsUsing(job, "actions/checkout")) expect(step.with?.["persist-credentials"]).toBe(false);
    });
  });

  describe("on pull requests", () => {
    const pr = workflow("pull-request.yml");

    it("runs on pull requests to main", () => {
      expect(pr.on).toEqual({ pull_request: { branches: ["main"] } });
    });

    it("installs with the lock file and runs the tests (.ci/run: npm ci, npm test)", () => {
      expect(runs(pr.jobs.test as Job)).toContain("bash .ci/run");
      expect(fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8")).toMatch(/npm ci[^\n]*\nnpm test/);
    });

    it("diffs dev and prod against the base branch and posts one comment, updated on each push", () => {
      const diff = pr.jobs["plan-diff"] as Job;
      expect(runs(diff)).toContain("npm ci");
      expect(runs(diff)).toMatch(/plan:comment -- --base "\$BASE_REF" .* dev prod/);
      expect(diff.steps.find((step) => step.env?.BASE_REF)?.env?.BASE_REF).toBe("origin/${{ github.base_ref }}");
      const comment = pr.jobs.comment as Job;
      expect(comment.needs).toBe("plan-diff");
      const script = String(stepsUsing(comment, "actions/github-script")[0]?.with?.script);
      expect(script).toContain("updateComment");
      expect(script).toContain("<!-- coupon-platform:plan-diff -->");
      // The job that holds a write token runs no code from the pull request.
      expect(comment.steps.every((step) => step.run === undefined && !step.uses?.startsWith("actions/checkout@"))).toBe(true);
    });

    it("fails the check on a dangerous change unless the pull request carries the approval label", () => {
      const verdict = pr.jobs.verdict as Job;
      expect(runs(verdict)).toMatch(/2\) .*approved-replacement/s);
    });

    it("previews each stack with the policy pack through pulumi/actions when an AWS role is configured (OIDC)", () => {
      const preview = pr.jobs.preview as Job;
      expect(preview.if).toContain("vars.AWS_PREVIEW_ROLE_ARN != ''");
      expect(preview.strategy?.matrix.include.map((entry) => entry.stack)).toEqual(["dev", "prod"]);
      expect(stepsUsing(preview, "aws-actions/configure-aws-credentials")[0]?.with?.["role-to-assume"]).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
      const pulumi = stepsUsing(preview, "pulumi/actions")[0];
      expect(pulumi?.with).toMatchObject({ command: "preview", policyPacks: "policies", "comment-on-pr": true, "edit-pr-comment": true, "pulumi-version-file": ".pulumi.version" });
      expect(preview.concurrency).toEqual({ group: "pulumi-stack-${{ matrix.stack }}", "cancel-in-progress": false });
    });
  });

  describe("on main", () => {
    const deploy = workflow("deploy.yml");

    it("runs on pushes to main", () => {
      expect(deploy.on.push).toEqual({ branches: ["main"] });
    });

    it("tests, then updates dev, then prod behind the prod environment, one run per stack at a time", () => {
      const dev = deploy.jobs["up-dev"] as Job;
      const prod = deploy.jobs["up-prod"] as Job;
      expect(runs(deploy.jobs.test as Job)).toContain("bash .ci/run");
      expect(dev.needs).toBe("test");
      expect(prod.needs).toBe("up-dev");
      expect(prod.environment).toBe("prod");
      for (const [stack, job] of [["dev", dev], ["prod", prod]] as const) {
        expect(job.concurrency).toEqual({ group: `pulumi-stack-${stack}`, "cancel-in-progress": false });
        expect(stepsUsing(job, "pulumi/actions")[0]?.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policies", policyPackConfigs: `policies/config/${stack}.json` });
        expect(stepsUsing(job, "aws-actions/configure-aws-credentials")).toHaveLength(1);
      }
    });
  });

  it("install the Pulumi CLI the SDK was released with", () => {
    const sdk = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
    expect(fs.readFileSync(path.join(REPO_ROOT, ".pulumi.version"), "utf8").trim()).toBe(sdk);
  });
});
