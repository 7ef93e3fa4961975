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
  /** A reusable workflow this job calls instead of having steps. */
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly secrets?: unknown;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly strategy?: { matrix: { include: Record<string, string>[] } };
  readonly steps?: Step[];
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
const stepsOf = (job: Job) => job.steps ?? [];
const stepsUsing = (job: Job, action: string) => stepsOf(job).filter((step) => step.uses?.startsWith(`${action}@`));
const runs = (job: Job) =>
  stepsOf(job)
    .map((step) => step.run ?? "")
    .join("\n");
const only = (parsed: Workflow): Job => Object.values(parsed.jobs)[0] as Job;

/** Which write permissions each job may hold, and why. */
const WRITES_ALLOWED: Record<string, Record<string, string[]>> = {
  "pull-request.yml": { comment: ["pull-requests"], preview: ["id-token", "pull-requests"] },
  "deploy.yml": { "up-dev": ["id-token"], "up-prod": ["id-token"] },
  "pulumi-up.yml": { up: ["id-token"] },
};

describe("GitHub workflows", () => {
  it("are the pull-request and deploy workflows and the two they share", () => {
    expect(allFiles.sort()).toEqual(["deploy.yml", "pull-request.yml", "pulumi-up.yml", "tests.yml"]);
  });

  describe.each(allFiles)("%s", (file) => {
    const parsed = workflow(file);
    const jobs = Object.entries(parsed.jobs);

    it("pins every action to a full 40-character commit SHA, and calls only this repository's own workflows", () => {
      const uses = jobs.flatMap(([, job]) =>
        stepsOf(job)
          .map((step) => step.uses)
          .filter((u): u is string => u !== undefined),
      );
      for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      for (const [, job] of jobs.filter(([, job]) => job.uses !== undefined)) {
        expect(job.uses).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
        expect(fs.existsSync(path.join(REPO_ROOT, job.uses as string))).toBe(true);
      }
      expect(uses.length + jobs.filter(([, job]) => job.uses).length).toBeGreaterThan(0);
    });

    it("grants nothing at the top and only the writes each job needs", () => {
      expect(parsed.permissions).toEqual({});
      for (const [name, job] of jobs) {
        expect(job.permissions, `${name} declares its permissions`).toBeDefined();
        const writes = Object.entries(job.permissions ?? {})
          .filter(([, access]) => access === "write")
          .map(([scope]) => scope)
          .sort();
        expect(writes, name).toEqual(WRITES_ALLOWED[file]?.[name] ?? []);
        expect(Object.values(job.permissions ?? {}).every((access) => access === "read" || access === "write" || access === "none")).toBe(
          true,
        );
      }
    });

    it("never echoes a secret: secrets reach only action inputs and step env, never a shell line", () => {
      const text = read(file);
      for (const [, job] of jobs) {
        for (const step of stepsOf(job)) {
          expect(step.run ?? "").not.toMatch(/secrets\./);
          expect(step.run ?? "").not.toMatch(/set -x|PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE/);
        }
      }
      expect(text).not.toMatch(/pull_request_target/);
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    });

    it("checks out without leaving the token in the workspace", () => {
      for (const [, job] of jobs)
        for (const step of stepsUsing(job, "actions/checkout")) expect(step.with?.["persist-credentials"]).toBe(false);
    });
  });

  describe("on pull requests", () => {
    const pr = workflow("pull-request.yml");

    it("runs on pull requests to main, and again when a label changes", () => {
      expect(pr.on).toEqual({ pull_request: { branches: ["main"], types: ["opened", "synchronize", "reopened", "labeled", "unlabeled"] } });
    });

    it("installs with the lock file, audits the runtime dependencies and runs the tests (.ci/run)", () => {
      expect(pr.jobs.test?.uses).toBe("./.github/workflows/tests.yml");
      expect(runs(only(workflow("tests.yml")))).toContain("bash .ci/run");
      expect(workflow("tests.yml").on).toEqual({ workflow_call: {} });
      const commands = fs
        .readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8")
        .split("\n")
        .filter((line) => line.startsWith("npm "));
      expect(commands).toEqual(["npm ci --no-audit --no-fund", "npm run audit:deps", "npm test"]);
    });

    it("diffs dev and prod against the base branch and posts one comment, updated on each push", () => {
      const diff = pr.jobs["plan-diff"] as Job;
      expect(runs(diff)).toContain("npm ci");
      expect(runs(diff)).toMatch(/plan:comment -- --base "\$BASE_REF" .* dev prod/);
      // The base as this run merged it, not the branch as it may have moved since.
      expect(stepsOf(diff).find((step) => step.env?.BASE_REF)?.env?.BASE_REF).toBe("HEAD^1");
      expect(stepsUsing(diff, "actions/checkout")[0]?.with?.["fetch-depth"]).toBe(0);
      const comment = pr.jobs.comment as Job;
      expect(comment.needs).toBe("plan-diff");
      const script = String(stepsUsing(comment, "actions/github-script")[0]?.with?.script);
      expect(script).toContain("updateComment");
      expect(script).toContain("<!-- coupon-platform:plan-diff -->");
      // The job that holds a write token runs no code from the pull request.
      expect(stepsOf(comment).every((step) => step.run === undefined && !step.uses?.startsWith("actions/checkout@"))).toBe(true);
      // Not after a newer push cancelled the run.
      expect(comment.if).toContain("!cancelled()");
    });

    it("fails the check on a dangerous change unless the pull request carries the approval label", () => {
      const verdict = pr.jobs.verdict as Job;
      expect(verdict.needs).toBe("plan-diff");
      expect(verdict.if).toContain("!cancelled()");
      expect(stepsOf(verdict)[0]?.env).toEqual({
        WORST: "${{ needs.plan-diff.outputs.worst }}",
        APPROVED: "${{ contains(github.event.pull_request.labels.*.name, 'approved-replacement') }}",
      });
      expect(runs(verdict)).toMatch(
        /0\|1\) [^\n]*\n\s*2\) if \[ "\$APPROVED" = "true" \]; then [^\n]*; else [^\n]*exit 1; fi ;;\n\s*\*\) [^\n]*exit 1 ;;/,
      );
    });

    it("previews each stack with the policy pack through pulumi/actions when an AWS role is configured (OIDC)", () => {
      const preview = pr.jobs.preview as Job;
      expect(preview.if).toContain("vars.AWS_PREVIEW_ROLE_ARN != ''");
      expect(preview.strategy?.matrix.include.map((entry) => entry.stack)).toEqual(["dev", "prod"]);
      expect(stepsUsing(preview, "aws-actions/configure-aws-credentials")[0]?.with?.["role-to-assume"]).toBe(
        "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
      );
      const pulumi = stepsUsing(preview, "pulumi/actions")[0];
      expect(pulumi?.with).toMatchObject({
        command: "preview",
        policyPacks: "policies",
        "comment-on-pr": true,
        "edit-pr-comment": true,
        "pulumi-version-file": ".pulumi.version",
      });
      // Its secrets and the role's trust belong to the preview environment, not to every job.
      expect(preview.environment).toBe("preview");
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
      expect(deploy.jobs.test?.uses).toBe("./.github/workflows/tests.yml");
      expect(dev.needs).toBe("test");
      expect(prod.needs).toBe("up-dev");
      // A manual run from another branch deploys nothing.
      expect(dev.if).toContain("github.ref == 'refs/heads/main'");
      for (const [stack, job] of [
        ["dev", dev],
        ["prod", prod],
      ] as const) {
        expect(job.uses).toBe("./.github/workflows/pulumi-up.yml");
        expect(job.with).toEqual({ stack, profile: stack });
      }
      const up = only(workflow("pulumi-up.yml"));
      expect(up.environment).toBe("${{ inputs.stack }}");
      expect(up.concurrency).toEqual({ group: "pulumi-stack-${{ inputs.stack }}", "cancel-in-progress": false });
      expect(stepsUsing(up, "pulumi/actions")[0]?.with).toMatchObject({
        command: "up",
        "stack-name": "${{ inputs.stack }}",
        policyPacks: "policies",
        policyPackConfigs: "policies/config/${{ inputs.profile }}.json",
      });
      expect(stepsUsing(up, "aws-actions/configure-aws-credentials")[0]?.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    });
  });

  it("install the Pulumi CLI the SDK was released with", () => {
    const sdk = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
    expect(fs.readFileSync(path.join(REPO_ROOT, ".pulumi.version"), "utf8").trim()).toBe(sdk);
  });
});
