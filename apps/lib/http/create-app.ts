import express, { type Express } from "express";
import helmet from "helmet";
import type { Registry } from "prom-client";
import type { Logger } from "../logger";
import { errorHandler, notFoundHandler } from "./error-handler";
import { mountHealthEndpoints, type HealthOptions } from "./health";
import { requestDurationMiddleware } from "./metrics";
import { requestLog } from "./request-log";

export interface AppOptions {
  logger: Logger;
  metrics: Registry;
  bodyLimit: string;
  health: Omit<HealthOptions, "logger">;
  /**
   * Browser security headers (helmet): on for what browsers reach (the gateway).
   * A service only the gateway calls leaves them off; the gateway adds its own to what it relays.
   */
  browserFacing: boolean;
}

/**
 * The express app every service starts from: request ids and fault logs, security
 * headers where browsers reach it, a bounded JSON body parser, health and metrics. Services add routes, then
 * call `finishApp` so unmatched routes and errors get the shared error format.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.locals.logger = options.logger;
  if (options.browserFacing) app.use(helmet());
  app.use(requestLog(options.logger));
  app.use(requestDurationMiddleware(options.metrics));
  // strict: only objects and arrays at top level; the limit refuses huge bodies before parsing them.
  app.use(express.json({ limit: options.bodyLimit, strict: true }));
  mountHealthEndpoints(app, { ...options.health, logger: options.logger });
  return app;
}

export function finishApp(app: Express): void {
  app.use(notFoundHandler);
  app.use(errorHandler);
}
