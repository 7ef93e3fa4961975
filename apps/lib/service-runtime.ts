import type { Server } from "node:http";
import type { Express } from "express";
import type { Redis } from "ioredis";
import type { Pool } from "mysql2/promise";
import type { Registry } from "prom-client";
import { createMysqlPool } from "./clients/mysql";
import { closeRedis, createRedis } from "./clients/redis";
import type { MysqlEnv, RedisEnv, ServerEnv } from "./config/common-env";
import { migrate } from "./db/migrate";
import { createApp } from "./http/create-app";
import { createShutdown, type ShutdownStep } from "./http/graceful-shutdown";
import type { HealthCheck } from "./http/health";
import { listen } from "./http/listen";
import { createMetricsRegistry } from "./http/metrics";
import { createMetricsServer } from "./http/metrics-server";
import type { Logger } from "./logger";

export type RuntimeConfig = ServerEnv & RedisEnv & MysqlEnv & { readonly MIGRATE_ON_START: boolean };

export interface ServiceAppOptions {
  /** Browsers reach it (the gateway): helmet's security headers on every answer. */
  readonly browserFacing?: boolean;
  /** Checks besides Redis and MySQL that must pass for the service to take traffic. */
  readonly required?: Record<string, HealthCheck>;
  /** Dependencies whose loss degrades but does not stop the service: reported, never failing readiness. */
  readonly optional?: Record<string, HealthCheck>;
}

export interface ShutdownPlan {
  /** Run first, as shutdown begins (readiness already answers 503). */
  readonly onBegin?: () => void;
  /** The service's own steps, after HTTP has drained and before Redis and MySQL close. */
  readonly steps: readonly ShutdownStep[];
  /** Closed together with the MySQL pool, last: a service's other pools, such as the read replica's. */
  readonly closeWithMysql?: readonly { end: () => Promise<void> }[];
}

export interface Serving {
  port: number;
  /** Idempotent: a second SIGTERM does not start a second drain. */
  shutdown: () => Promise<void>;
}

/**
 * What every service starts with, in the same order: migrations (when asked), its
 * metrics registry, a Redis client and a MySQL pool, an app whose readiness needs
 * both, and a shutdown that drains HTTP, runs the service's own steps and closes
 * the clients last. Each service.ts keeps only its own wiring; `runService` runs
 * that shutdown on SIGTERM.
 */
/** Longer than the ALB's default 60 s idle timeout, as AWS asks of its targets. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export class ServiceRuntime {
  readonly redis: Redis;
  readonly pool: Pool;
  private accepting = true;

  private constructor(
    private readonly config: RuntimeConfig,
    readonly logger: Logger,
    readonly registry: Registry,
    private readonly metricsServer: Server,
    /** Where GET /metrics answers: a port of its own (METRICS_PORT; 0 picks a free one, as the tests do). */
    readonly metricsPort: number,
  ) {
    this.redis = createRedis(config);
    this.pool = createMysqlPool(config);
  }

  /** Migrates first: no client exists if the schema cannot be brought up to date. Metrics answer from the start. */
  static async start(config: RuntimeConfig, logger: Logger): Promise<ServiceRuntime> {
    if (config.MIGRATE_ON_START) await migrate(config, logger);
    const registry = createMetricsRegistry(config.SERVICE_NAME);
    const metricsServer = createMetricsServer(registry);
    const metricsPort = await listen(metricsServer, config.METRICS_PORT, config.HOST);
    return new ServiceRuntime(config, logger, registry, metricsServer, metricsPort);
  }

  /** False once shutdown begins; readiness and anything else that admits new work (WebSocket upgrades) follow it. */
  isAcceptingTraffic(): boolean {
    return this.accepting;
  }

  /** The shared app (security headers, logs, request metrics, health) with Redis and MySQL required for readiness. */
  createApp(options: ServiceAppOptions = {}): Express {
    return createApp({
      logger: this.logger,
      metrics: this.registry,
      bodyLimit: this.config.HTTP_BODY_LIMIT,
      browserFacing: options.browserFacing ?? false,
      health: {
        isAcceptingTraffic: () => this.isAcceptingTraffic(),
        required: {
          redis: async () => void (await this.redis.ping()),
          mysql: async () => void (await this.pool.query("SELECT 1")),
          ...options.required,
        },
        optional: options.optional,
      },
    });
  }

  /**
   * Listens on PORT and HOST, and returns the port with the shutdown for it: stop
   * taking traffic, drain HTTP, the service's steps, then Redis, then MySQL, then the metrics port.
   */
  async serve(server: Server, plan: ShutdownPlan): Promise<Serving> {
    // Callers (the ALBs, the gateway's keep-alive pool) reuse idle connections for up to 60 s: a server that
    // closed them first (Node's default is 5 s) races their next request, which then fails with a reset or a 502.
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    const port = await listen(server, this.config.PORT, this.config.HOST);
    const shutdown = createShutdown({
      server,
      logger: this.logger,
      graceMs: this.config.SHUTDOWN_GRACE_MS,
      onBegin: () => {
        this.accepting = false;
        plan.onBegin?.();
      },
      steps: [
        ...plan.steps,
        { name: "redis", run: () => closeRedis(this.redis) },
        {
          name: "mysql",
          run: async () => void (await Promise.all([this.pool.end(), ...(plan.closeWithMysql ?? []).map((pool) => pool.end())])),
        },
        // Last, so the final scrape still sees the drain.
        { name: "metrics server", run: () => this.closeMetricsServer() },
      ],
    });
    return { port, shutdown };
  }

  private closeMetricsServer(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.metricsServer.close(() => resolve());
      // Prometheus keeps its connection open between scrapes.
      this.metricsServer.closeAllConnections();
    });
  }
}
