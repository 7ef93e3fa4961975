import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "../logger";
import { censorSecretFields, redactUrl } from "../redaction";

declare module "node:http" {
  interface IncomingMessage {
    /** The request id: the caller's x-request-id when it is well formed, a new UUID otherwise. */
    id: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const PROBES = new Set(["/health/live", "/health/ready"]);

/** Reuse the caller's request id (the gateway sets one) so logs join up across services. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("x-request-id", id);
  return id;
}

/** What a request's log line says of it; headers pass the logger's redaction (authorization, cookies). */
function describe(req: IncomingMessage & { query?: unknown }, res: ServerResponse, startedMs: number) {
  return {
    req: {
      id: req.id,
      method: req.method,
      url: redactUrl(req.url ?? ""),
      query: censorSecretFields(req.query),
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    },
    res: { statusCode: res.statusCode },
    responseTime: Math.round(performance.now() - startedMs),
  };
}

/**
 * Request ids on every request, and one line per finished request:
 * - `error` for 5xx answers, and `warn` for a response cut before it finished
 *   (the client left, or an upstream broke mid-answer): always written;
 * - `info` for 401 and 403, the trail of forged, expired and probing credentials;
 * - `debug` for the rest. A flash sale answers millions of 2xx and expected 4xx
 *   (sold out, already bought, rate limited), which the request metrics count by
 *   route and status. Logging each of them cost more CPU than the purchase itself.
 * Nothing is serialised unless a line is written.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.id = requestId(req, res);
    if (PROBES.has(req.url)) return next();
    const startedMs = performance.now();
    res.once("close", () => {
      if (!res.writableFinished) logger.warn(describe(req, res, startedMs), "request aborted before its answer was complete");
      else if (res.statusCode >= 500) logger.error(describe(req, res, startedMs), "request failed");
      else if (res.statusCode === 401 || res.statusCode === 403) logger.info(describe(req, res, startedMs), "request refused");
      else if (logger.isLevelEnabled("debug")) logger.debug(describe(req, res, startedMs), "request completed");
    });
    next();
  };
}
