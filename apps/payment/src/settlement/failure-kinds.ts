import { ZodError } from "zod";
import { isStatementError } from "./mysql-errors";

// Redis answers that mean "not now" (loading, failover in progress), not "not this order".
const REDIS_TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|NOSCRIPT)\b/;

/**
 * Tells apart a fault of this one order (bad data, a constraint, a bug hit by its
 * values) from an outage (MySQL, Redis or Kafka unreachable). A faulty order is
 * retried a few times and then dead-lettered so the partition moves on; during an
 * outage every order would fail, so the partition waits instead — dead-lettering
 * the whole sale because the database blinked would be the worse failure.
 */
export function isOrderFault(err: unknown): boolean {
  if (isStatementError(err)) return true;
  if (err instanceof ZodError || err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) return true;
  if (err instanceof Error && err.name === "ReplyError") return !REDIS_TRANSIENT_REPLY.test(err.message);
  return false;
}

export const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);
