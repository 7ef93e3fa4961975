import { spawn, spawnSync } from "node:child_process";
import * as path from "path";
import { REPO_ROOT } from "../mock-stack/run-stack";

export interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const TSX = path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/**
 * Runs one of scripts/*.ts in its own process: Pulumi's runtime is process-global, so
 * each stack's program needs a fresh one.
 */
export function runScript(script: string, args: readonly string[]): ScriptResult {
  const result = spawnSync(process.execPath, [TSX, path.join(REPO_ROOT, "scripts", script), ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runScript` without blocking, in a given working directory and environment (tests run several at once). */
export function runScriptAsync(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, path.join(REPO_ROOT, "scripts", script), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export function runPlanScript(args: readonly string[]): ScriptResult {
  return runScript("plan.ts", args);
}
