import type { Server } from "node:http";
import type { Logger } from "../logger";

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

export interface ShutdownOptions {
  server: Server;
  logger: Logger;
  graceMs: number;
  /** Run in order after HTTP has drained: stop background work first, close clients last. */
  steps: readonly ShutdownStep[];
  /** Called first, so /health/ready turns 503 and the load balancer stops sending traffic. */
  onBegin: () => void;
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    // close() stops accepting and resolves once in-flight requests finish.
    server.close(() => resolve());
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
  });
}

/** Returns an idempotent shutdown function; a second SIGTERM does not start a second drain. */
export function createShutdown(options: ShutdownOptions): () => Promise<void> {
  let running: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    options.onBegin();
    options.logger.info("shutdown: draining HTTP");
    await closeServer(options.server, options.graceMs);
    for (const step of options.steps) {
      try {
        await step.run();
        options.logger.info({ step: step.name }, "shutdown: step done");
      } catch (err) {
        options.logger.error({ err, step: step.name }, "shutdown: step failed");
      }
    }
    options.logger.info("shutdown: complete");
  };
  return () => (running ??= drain());
}

export function shutdownOnSignals(shutdown: () => Promise<void>, logger: Logger): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "signal received");
      shutdown().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}
