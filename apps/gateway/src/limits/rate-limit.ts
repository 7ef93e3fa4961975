import type { Request, RequestHandler, Response } from "express";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Counter } from "prom-client";
import { HttpError, serviceUnavailable } from "../../../lib/http/http-error";

export interface LimitSettings {
  name: string;
  points: number;
  windowSeconds: number;
}

/** A fixed-window counter in Redis, shared by every gateway replica. */
export function createLimiter(redis: Redis, settings: LimitSettings): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `rate-limit:${settings.name}`,
    points: settings.points,
    duration: settings.windowSeconds,
  });
}

/**
 * Spends one point of `keyOf(req)`'s budget. Over budget: 429 with Retry-After.
 * Redis unreachable: 503 — without the shared counter no replica can tell the
 * rate, and letting everything through would open the door the limit guards.
 */
export function rateLimit(
  limiter: RateLimiterRedis,
  keyOf: (req: Request, res: Response) => string,
  rejected: Counter<"limit">,
  name: string,
): RequestHandler {
  return async (req, res, next) => {
    await spendPoint(limiter, keyOf(req, res), rejected, name);
    next();
  };
}

/** One point of `key`'s budget, or the 429 (or 503) the caller answers with; for paths Express does not route. */
export async function spendPoint(limiter: RateLimiterRedis, key: string, rejected: Counter<"limit">, name: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw serviceUnavailable("rate_limiter_unavailable", "rate limiter unavailable", 1);
    rejected.inc({ limit: name });
    const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw new HttpError(429, "rate_limited", "too many requests; retry later", { "retry-after": String(retryAfter) });
  }
}
