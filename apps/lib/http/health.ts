import type { Express } from "express";
import type { Logger } from "../logger";

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
  /** Where a failing check's reason goes: the answer says only "failing", it is public to whoever reaches the port. */
  logger: Logger;
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

/** Each check's state; why a check fails is logged, never answered (it can name hosts, users and versions). */
async function runAll(checks: Record<string, HealthCheck>, timeoutMs: number, logger: Logger): Promise<Record<string, "ok" | "failing">> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const outcome = await runCheck(check, timeoutMs);
      if (outcome !== "ok") logger.warn({ check: name, reason: outcome }, "readiness check failing");
      return [name, outcome === "ok" ? "ok" : "failing"] as const;
    }),
  );
  return Object.fromEntries(entries);
}

export function mountHealthEndpoints(app: Express, options: HealthOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 1_000;
  // Liveness says only "the event loop runs": restarting a pod never fixes a dead database.
  app.get("/health/live", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/health/ready", async (_req, res) => {
    const required = await runAll(options.required, timeoutMs, options.logger);
    const optional = await runAll(options.optional ?? {}, timeoutMs, options.logger);
    const accepting = options.isAcceptingTraffic();
    const ready = accepting && Object.values(required).every((s) => s === "ok");
    res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : accepting ? "not_ready" : "shutting_down",
      checks: required,
      degraded: optional,
    });
  });
}
