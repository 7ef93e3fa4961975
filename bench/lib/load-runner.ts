import { countsText, table } from "../../scripts/lib/table";
import { performance } from "node:perf_hooks";
import { percentile } from "../../scripts/lib/percentile";

export interface LoadResult {
  label: string;
  operations: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  outcomes: Record<string, number>;
}

/**
 * Runs `total` operations with `concurrency` workers (closed loop: each worker
 * starts its next operation when the previous one answers). Bounded by count.
 * `operation` returns an outcome label, tallied for the report.
 */
export async function runLoad(
  label: string,
  total: number,
  concurrency: number,
  operation: (i: number) => Promise<string>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      const outcome = await operation(i);
      latencies.push(performance.now() - t0);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    operations: total,
    seconds,
    perSecond: total / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    outcomes,
  };
}

export function formatTable(results: LoadResult[]): string {
  const rows = results.map((r) => [
    r.label,
    String(r.operations),
    r.perSecond.toFixed(0),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    countsText(r.outcomes),
  ]);
  return table(["path", "ops", "ops/s", "p50 ms", "p99 ms", "outcomes"], rows);
}
