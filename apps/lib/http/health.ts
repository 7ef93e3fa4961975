import type { Express } from "express";

/** A readiness check: resolves when the dependency answers, rejects otherwise. */
export type HealthCheck = () => Promise<void>;

export interface HealthOptions {
  /** Dependencies the service cannot serve without: any failure makes it not ready. */
  required: Record<string, HealthCheck>;
  /** Dependencies whose loss degrades but does not stop service: reported, never failing. */
  optional?: Record<string, HealthCheck>;
  /** False once shutdown begins, so the load balancer stops routing before connections close. */
  isAcceptingTraffic: () => boolean;
  checkTimeoutMs?: number;
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

async function runAll(checks: Record<string, HealthCheck>, timeoutMs: number): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const));
  return Object.fromEntries(entries);
}

export function mountHealthEndpoints(app: Express, options: HealthOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 1_000;
  // Liveness says only "the event loop runs": restarting a pod never fixes a dead database.
  app.get("/health/live", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/health/ready", async (_req, res) => {
    const required = await runAll(options.required, timeoutMs);
    const optional = await runAll(options.optional ?? {}, timeoutMs);
    const accepting = options.isAcceptingTraffic();
    const ready = accepting && Object.values(required).every((s) => s === "ok");
    res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : accepting ? "not_ready" : "shutting_down",
      checks: required,
      degraded: optional,
    });
  });
}
