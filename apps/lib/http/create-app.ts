import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import type { Registry } from "prom-client";
import type { Logger } from "../logger";
import { censorSecretFields, redactUrl } from "../redaction";
import { errorHandler, notFoundHandler } from "./error-handler";
import { mountHealthEndpoints, type HealthOptions } from "./health";
import { requestDurationMiddleware } from "./metrics";

export interface AppOptions {
  logger: Logger;
  metrics: Registry;
  bodyLimit: string;
  health: Omit<HealthOptions, "logger">;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Reuse the caller's request id (the gateway sets one) so logs join up across services. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("x-request-id", id);
  return id;
}

/**
 * The express app every service starts from: security headers, request logs with
 * ids, a bounded JSON body parser, health and metrics. Services add routes, then
 * call `finishApp` so unmatched routes and errors get the shared error format.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: requestId,
      // 4xx answers (sold out, duplicate, bad input) are expected outcomes in a flash sale,
      // millions of them: logged at info so a warn-level production log stays about faults.
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
      autoLogging: { ignore: (req) => req.url === "/health/live" || req.url === "/health/ready" },
      // Query strings can carry credentials (a WebSocket's ?access_token=): logged URLs have them censored.
      serializers: {
        req: (req: { url?: string; query?: unknown }) => ({
          ...req,
          url: req.url === undefined ? undefined : redactUrl(req.url),
          query: censorSecretFields(req.query),
        }),
      },
    }),
  );
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
