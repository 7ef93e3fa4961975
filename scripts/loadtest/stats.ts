import { percentile } from "../lib/percentile";

export type Outcome = { status: number; ms: number } | { failure: "timeout" | "network"; ms: number };

export interface KindSummary {
  sent: number;
  answered: number;
  /** Answers outside the expected ones, timeouts and broken connections: what the error-rate threshold counts. */
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

/**
 * What a buyer may rightly be told: 2xx, no credit (402), already bought (409),
 * sold out (410), slow down (429). Anything else is an error of the run or the
 * stack: 5xx, but also 401 (expired tokens), 404 (a wrong coupon) or 400.
 */
const EXPECTED_REFUSALS = new Set([402, 409, 410, 429]);
export const isError = (outcome: Outcome) =>
  "failure" in outcome || !((outcome.status >= 200 && outcome.status < 300) || EXPECTED_REFUSALS.has(outcome.status));

export function summarise(outcomes: readonly Outcome[]): KindSummary {
  const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const o of outcomes) {
    const key = "failure" in o ? o.failure : String(o.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const errors = outcomes.filter(isError).length;
  return {
    sent: outcomes.length,
    answered: outcomes.length - errors,
    errors,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    statuses,
  };
}

export interface Thresholds {
  maxErrorRate: number;
  maxP99Ms: number;
}

/** Every threshold a kind of request broke, in words; empty when the run passed. */
export function breaches(kind: string, summary: KindSummary, thresholds: Thresholds): string[] {
  const found: string[] = [];
  const errorRate = summary.sent === 0 ? 0 : summary.errors / summary.sent;
  if (errorRate > thresholds.maxErrorRate)
    found.push(`${kind}: error rate ${(100 * errorRate).toFixed(2)} % > ${(100 * thresholds.maxErrorRate).toFixed(2)} %`);
  if (summary.p99Ms > thresholds.maxP99Ms) found.push(`${kind}: p99 ${summary.p99Ms.toFixed(0)} ms > ${thresholds.maxP99Ms} ms`);
  return found;
}
