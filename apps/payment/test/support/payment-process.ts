import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { freePort } from "../../../../scripts/lib/port-probe";

const REPO_ROOT = path.resolve(__dirname, "../../../..");
const PAYMENT_MAIN = path.join(REPO_ROOT, "apps/payment/src/main.ts");

export interface PaymentProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** The tail of what the process wrote to stderr, for failure messages. */
  stderr: () => string;
}

/**
 * Runs the payment service as its own OS process (node with tsx's loader, no
 * wrapper process in between), so a test can SIGKILL it like a crashed pod.
 */
export async function spawnPayment(env: Record<string, string>): Promise<PaymentProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", PAYMENT_MAIN], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      ...env,
      PORT: String(port),
      METRICS_PORT: "0",
      LOG_LEVEL: env.LOG_LEVEL === "silent" ? "error" : (env.LOG_LEVEL ?? "error"),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4_000)));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, port, exited, stderr: () => stderr };
}

/** Polls /health/ready until the consumer is in its group; bounded. */
export async function waitUntilReady(processUnderTest: PaymentProcess, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (processUnderTest.child.exitCode !== null) throw new Error(`payment exited early: ${processUnderTest.stderr()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${processUnderTest.port}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`payment never became ready: ${processUnderTest.stderr()}`);
}
