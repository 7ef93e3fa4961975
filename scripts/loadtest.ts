import { readFileSync } from "node:fs";
import { parseLoadTestFlags } from "./loadtest/flags";
import { runLoad } from "./loadtest/runner";
import { breaches, summarise } from "./loadtest/stats";
import { countsText, table } from "./lib/table";

/**
 * `npm run loadtest -- --url … --tokens … --coupon …`: an open-model load on a
 * deployed stack's public path (browse and buy through the gateway), with a
 * progress line every 5 s, a summary at the end, and exit code 1 when a
 * threshold (error rate, p99) was broken. docs/OPERATIONS.md says what to watch meanwhile.
 */
async function main(): Promise<number> {
  const flags = parseLoadTestFlags(process.argv.slice(2));
  const tokens = readFileSync(flags.tokensFile, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (tokens.length === 0) throw new Error(`--tokens ${flags.tokensFile} holds no tokens (one per line)`);
  console.error(`[loadtest] ${flags.profile.kind} profile against ${flags.url.origin} with ${tokens.length} buyers' tokens`);
  const record = await runLoad({
    baseUrl: flags.url,
    couponId: flags.couponId,
    tokens,
    profile: flags.profile,
    maxInFlight: flags.maxInFlight,
    timeoutMs: flags.timeoutMs,
    progressEveryMs: 5_000,
    onProgress: (second, w) =>
      console.error(
        `[loadtest] t=${second}s answered or failed ${w.done} (${(w.done / 5).toFixed(0)}/s) errors ${w.errors} p99 ${w.p99Ms.toFixed(0)} ms in-flight ${w.inFlight}` +
          (w.notSent > 0 ? ` NOT SENT ${w.notSent} (max in flight reached)` : ""),
      ),
  });
  const kinds = { browse: summarise(record.browse), buy: summarise(record.buy) };
  console.log(
    table(
      ["requests", "sent", "answered", "errors", "p50 ms", "p95 ms", "p99 ms", "statuses"],
      Object.entries(kinds).map(([kind, s]) => [
        kind,
        String(s.sent),
        String(s.answered),
        String(s.errors),
        s.p50Ms.toFixed(0),
        s.p95Ms.toFixed(0),
        s.p99Ms.toFixed(0),
        countsText(s.statuses),
      ]),
    ),
  );
  const broken = [
    ...Object.entries(kinds).flatMap(([kind, s]) => (s.sent > 0 ? breaches(kind, s, flags.thresholds) : [])),
    ...(record.notSent > 0 ? [`${record.notSent} arrivals not sent: ${flags.maxInFlight} requests were already waiting`] : []),
  ];
  console.log(`\n${record.seconds.toFixed(0)} s; ${broken.length === 0 ? "PASSED every threshold" : `FAILED:\n  ${broken.join("\n  ")}`}`);
  return broken.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[loadtest] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
