import { spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { childrenCpuSecondsFromStat } from "./proc-stats";

const LOAD_SCRIPT = path.join(__dirname, "load.lua");

export interface WrkRun {
  url: string;
  method: "GET" | "POST";
  path: string;
  /** One bearer token per line; the run uses lines first…first+count-1 (1-based), wrapping around. */
  tokensFile: string;
  first: number;
  count: number;
  threads: number;
  connections: number;
  seconds: number;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  socketErrors: number;
  timeouts: number;
  statuses: Record<string, number>;
  /** CPU the load generator itself used. */
  generatorCpuSeconds: number;
}

/** The JSON line load.lua prints at the end of a run. */
export function parseWrkOutput(output: string): Omit<WrkResult, "generatorCpuSeconds"> {
  const line = output.split("\n").find((l) => l.startsWith("E2E_RESULT "));
  if (!line) throw new Error(`wrk printed no result line:\n${output}`);
  const raw = JSON.parse(line.slice("E2E_RESULT ".length)) as {
    requests: number;
    durationUs: number;
    p50Us: number;
    p99Us: number;
    p999Us: number;
    maxUs: number;
    socketErrors: number;
    timeouts: number;
    statuses: Record<string, number>;
  };
  return {
    requests: raw.requests,
    seconds: raw.durationUs / 1e6,
    p50Ms: raw.p50Us / 1000,
    p99Ms: raw.p99Us / 1000,
    p999Ms: raw.p999Us / 1000,
    maxMs: raw.maxUs / 1000,
    socketErrors: raw.socketErrors,
    timeouts: raw.timeouts,
    statuses: raw.statuses,
  };
}

/**
 * Runs Debian's wrk (C, epoll, a few µs per request) with load.lua. It runs
 * under a shell that, once wrk has been waited for, prints its own /proc stat
 * line: the reaped children's CPU there is wrk's, measured by the kernel.
 */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const wrkArgs = [
    `-t${run.threads}`,
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    "--timeout",
    "10s",
    "-s",
    LOAD_SCRIPT,
    `${run.url}${run.path}`,
    "--",
    run.method,
    run.path,
    run.tokensFile,
    String(run.first),
    String(run.count),
    String(run.threads),
  ];
  const shell = 'wrk "$@"; code=$?; read -r stat < /proc/$$/stat; echo "E2E_SHELL_STAT $stat"; exit $code';
  const child = spawn("bash", ["-c", shell, "bash", ...wrkArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`wrk exited with ${String(code)}:\n${output}`);
  const statLine = output.split("\n").find((l) => l.startsWith("E2E_SHELL_STAT "));
  if (!statLine) throw new Error(`no CPU reading for wrk:\n${output}`);
  return { ...parseWrkOutput(output), generatorCpuSeconds: childrenCpuSecondsFromStat(statLine.slice("E2E_SHELL_STAT ".length)) };
}
