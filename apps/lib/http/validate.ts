import type { Request } from "express";
import type { z } from "zod";
import { HttpError, badRequest } from "./http-error";

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    `invalid_${where}`,
    `invalid ${where}: ${result.error.issues.map((i) => `${i.path.join(".") || where} ${i.message}`).join("; ")}`,
    result.error.issues,
  );
}

/**
 * A JSON body is required: anything else is refused before it is looked at.
 * express.json() leaves req.body undefined when the content type is not JSON.
 */
export function parseJsonBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  if (!req.is("application/json")) throw new HttpError(415, "unsupported_media_type", "content-type must be application/json");
  return parse(schema, req.body, "body");
}

/** For endpoints whose body is optional: no body counts as an empty object. */
export function parseOptionalJsonBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const hasBody = req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0";
  if (!hasBody && req.headers["transfer-encoding"] === undefined) return parse(schema, {}, "body");
  return parseJsonBody(schema, req);
}

export const parseParams = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> => parse(schema, req.params, "path");
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> => parse(schema, req.query, "query");
