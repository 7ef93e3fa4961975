import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import * as path from "node:path";
import { freePort } from "../lib/port-probe";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface ServiceProcess {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
}

/**
 * Starts one service as its own OS process — node with tsx's loader, no wrapper
 * in between, so SIGTERM reaches the service itself — logging to a file.
 */
export function startService(
  name: string,
  app: "coupon" | "payment" | "gateway",
  env: Record<string, string>,
  logDir: string,
  nodeOptions: readonly string[] = [],
): Promise<ServiceProcess> {
  return startNodeProcess(name, path.join(REPO_ROOT, "apps", app, "src", "main.ts"), env, logDir, nodeOptions);
}

/** As startService, for any TypeScript entry point that listens on PORT. */
export async function startNodeProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  logDir: string,
  nodeOptions: readonly string[] = [],
): Promise<ServiceProcess> {
  const port = await freePort();
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [...nodeOptions, "--import", "tsx", entry], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SERVICE_NAME: name,
      ...env,
      PORT: String(port),
      METRICS_PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { name, port, child, exited, logFile };
}

/** Polls /health/ready; bounded, and names the log to read when the service never gets ready. */
export async function waitReady(service: ServiceProcess, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited with ${service.child.exitCode}; see ${service.logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${service.port}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} never became ready; see ${service.logFile}`);
}

/** SIGTERM, as Kubernetes does, then the exit code (SIGKILL after the grace period). */
export async function stopService(service: ServiceProcess, graceMs = 20_000): Promise<number | null> {
  if (service.child.exitCode !== null) return service.child.exitCode;
  service.child.kill("SIGTERM");
  const timer = setTimeout(() => service.child.kill("SIGKILL"), graceMs);
  try {
    return await service.exited;
  } finally {
    clearTimeout(timer);
  }
}
