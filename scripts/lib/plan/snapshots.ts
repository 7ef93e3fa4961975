import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../mock-stack/run-stack";

/** Where a stack's committed plan snapshot lives. */
export function snapshotPath(stack: string): string {
  return path.join(REPO_ROOT, "stacks", `${stack}.plan.json`);
}

/** The stack a file defines: `Pulumi.<stack>.yaml` (Pulumi.yaml, the project, defines none). */
export function stackOfFile(file: string): string | undefined {
  return /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1];
}

/** Every stack the repository defines (Pulumi.<stack>.yaml at the top). */
export function definedStacks(): string[] {
  return fs
    .readdirSync(REPO_ROOT)
    .map(stackOfFile)
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}
