import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError } from "zod";
import type { Logger } from "../logger";
import { HttpError } from "./http-error";

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** body-parser marks its own failures with a `type`; map them to stable codes. */
function fromBodyParser(err: unknown): HttpError | undefined {
  if (typeof err !== "object" || err === null || !("type" in err)) return undefined;
  switch ((err as { type: unknown }).type) {
    case "entity.parse.failed":
      return new HttpError(400, "malformed_json", "request body is not valid JSON");
    case "entity.too.large":
      return new HttpError(413, "body_too_large", "request body exceeds the size limit");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpError(415, "unsupported_encoding", "request body encoding is not supported");
    default:
      return undefined;
  }
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) return new HttpError(400, "invalid_request", "request failed validation", {}, err.issues);
  return fromBodyParser(err);
}

/** The one place that decides what an error looks like on the wire. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = toHttpError(err);
  const httpError = known ?? new HttpError(500, "internal", "internal error");
  // Unknown errors are bugs or dependency failures: log them with the request id, never leak details.
  if (!known) (req.app.locals.logger as Logger).error({ err, reqId: req.id }, "unhandled error");
  const body: ErrorBody = { error: { code: httpError.code, message: httpError.message } };
  if (httpError.details !== undefined) body.error.details = httpError.details;
  res.status(httpError.status).set(httpError.headers).json(body);
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, "not_found", `no route for ${req.method} ${req.path}`));
};
