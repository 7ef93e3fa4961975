import { spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { REPO_ROOT } from "./processes";

/**
 * Runs the project's own `npm run services` check (scripts/services.ts): Redis and
 * MariaDB must answer, Kafka is started when down. Its output names what is
 * missing and how to start it; the demo stops there if anything is.
 */
export async function ensureLocalServices(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts", "services.ts")], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`local services are not all up:\n${output.trim()}`);
}
