import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Profiles are the YAML files in stacks/: forking one is copying a file. */
export const PROFILES_DIR = path.resolve(__dirname, "..", "..", "stacks");

export function availableProfiles(dir = PROFILES_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

export function profilePath(name: string, dir = PROFILES_DIR): string {
  return path.join(dir, `${name}.yaml`);
}

/** Reads a profile, or returns undefined when no such file exists. */
export function readProfile(name: string, dir = PROFILES_DIR): unknown {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !availableProfiles(dir).includes(name)) return undefined;
  return parse(fs.readFileSync(profilePath(name, dir), "utf8"));
}
