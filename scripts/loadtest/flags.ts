import { parseArgs } from "node:util";
import type { LoadProfile } from "./profile";
import type { Thresholds } from "./stats";

export interface LoadTestFlags {
  url: URL;
  tokensFile: string;
  couponId: string;
  profile: LoadProfile;
  thresholds: Thresholds;
  maxInFlight: number;
  timeoutMs: number;
}

export const USAGE = `usage: npm run loadtest -- --url URL --tokens FILE --coupon ID [--profile ramp|spike] [options]
  --url            the stack's public URL (the gateway behind CloudFront/ALB), e.g. https://shop.example.com
  --tokens         a file with one buyer's access token per line (docs/OPERATIONS.md: "Load test")
  --coupon         the coupon purchase attempts go to
  --profile        ramp (default): arrivals ramp from --from to --to per second over --ramp s, then hold --hold s
                   spike: --browse per second throughout; at --spike-at s, --peak purchase attempts per second
                   for --spike s, then a tenth of it for --tail s
  --from 10 --to 200 --ramp 60 --hold 60 --buy-share 0.2
  --browse 50 --peak 1000 --spike-at 20 --spike 15 --tail 30
  --max-error-rate 0.01   answers other than 2xx/402/409/410/429, timeouts and broken connections, per kind
  --max-p99 500           ms, per kind of request
  --max-in-flight 2000    arrivals beyond it are not sent and reported
  --timeout 10            s per request`;

const OPTIONS = {
  url: { type: "string" },
  tokens: { type: "string" },
  coupon: { type: "string" },
  profile: { type: "string", default: "ramp" },
  from: { type: "string", default: "10" },
  to: { type: "string", default: "200" },
  ramp: { type: "string", default: "60" },
  hold: { type: "string", default: "60" },
  "buy-share": { type: "string", default: "0.2" },
  browse: { type: "string", default: "50" },
  peak: { type: "string", default: "1000" },
  "spike-at": { type: "string", default: "20" },
  spike: { type: "string", default: "15" },
  tail: { type: "string", default: "30" },
  "max-error-rate": { type: "string", default: "0.01" },
  "max-p99": { type: "string", default: "500" },
  "max-in-flight": { type: "string", default: "2000" },
  timeout: { type: "string", default: "10" },
} as const;

const problem = (message: string) => new Error(`${message}\n${USAGE}`);

/** A number flag within [min, max]; the error names the flag, the value and what is accepted. */
function numberFlag(values: Record<string, unknown>, name: string, min: number, max: number): number {
  const raw = values[name];
  const n = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw problem(`--${name} must be a number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

export function parseLoadTestFlags(argv: readonly string[]): LoadTestFlags {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw problem(err instanceof Error ? err.message : String(err));
  }
  const rawUrl = values.url;
  if (typeof rawUrl !== "string") throw problem("--url is required");
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw problem(`--url must be an absolute http(s) URL (got ${JSON.stringify(rawUrl)})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw problem(`--url must be http or https (got ${JSON.stringify(rawUrl)})`);
  if (typeof values.tokens !== "string") throw problem("--tokens is required");
  const coupon = values.coupon;
  if (typeof coupon !== "string" || !/^[1-9][0-9]{0,18}$/.test(coupon))
    throw problem(`--coupon must be a coupon id (got ${JSON.stringify(coupon)})`);
  const kind = values.profile;
  let profile: LoadProfile;
  if (kind === "ramp") {
    profile = {
      kind,
      fromRate: numberFlag(values, "from", 0, 100_000),
      toRate: numberFlag(values, "to", 1, 100_000),
      rampSeconds: numberFlag(values, "ramp", 1, 3_600),
      holdSeconds: numberFlag(values, "hold", 0, 3_600),
      buyShare: numberFlag(values, "buy-share", 0, 1),
    };
  } else if (kind === "spike") {
    profile = {
      kind,
      browseRate: numberFlag(values, "browse", 0, 100_000),
      peakBuyRate: numberFlag(values, "peak", 1, 100_000),
      spikeAtSeconds: numberFlag(values, "spike-at", 0, 3_600),
      spikeSeconds: numberFlag(values, "spike", 1, 3_600),
      tailSeconds: numberFlag(values, "tail", 0, 3_600),
    };
  } else throw problem(`--profile must be ramp or spike (got ${JSON.stringify(kind)})`);
  return {
    url,
    tokensFile: values.tokens,
    couponId: coupon,
    profile,
    thresholds: { maxErrorRate: numberFlag(values, "max-error-rate", 0, 1), maxP99Ms: numberFlag(values, "max-p99", 1, 600_000) },
    maxInFlight: numberFlag(values, "max-in-flight", 1, 100_000),
    timeoutMs: numberFlag(values, "timeout", 0.1, 600) * 1000,
  };
}
