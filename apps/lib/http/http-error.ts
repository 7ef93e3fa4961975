/**
 * An error that already knows its HTTP answer. Handlers throw it; the single
 * error handler turns it into {"error":{"code","message"}}.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new HttpError(400, code, message, {}, details);
export const unauthenticated = (message: string) => new HttpError(401, "unauthenticated", message);
export const forbidden = (message: string) => new HttpError(403, "forbidden", message);
export const notFound = (message: string) => new HttpError(404, "not_found", message);
export const conflict = (code: string, message: string, details?: unknown) => new HttpError(409, code, message, {}, details);
export const serviceUnavailable = (code: string, message: string, retryAfterSeconds: number) =>
  new HttpError(503, code, message, { "retry-after": String(retryAfterSeconds) });
