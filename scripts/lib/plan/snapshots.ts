import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../mock-stack/run-stack";

/** Where a stack's committed plan snapshot lives. */
export function snapshotPath(stack: string): string {
  return path.join(REPO_ROOT, "stacks", `${stack}.plan.json`);
}

/** Every stack the repository defines (Pulumi.<stack>.yaml at the top). */
export function definedStacks(): string[] {
  return fs
    .readdirSync(REPO_ROOT)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}
