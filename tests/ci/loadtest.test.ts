import { once } from "node:events";
import { writeFileSync, mkdtempSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLoadTestFlags } from "../../scripts/loadtest/flags";
import { profileSeconds, ratesAt } from "../../scripts/loadtest/profile";
import { runLoad } from "../../scripts/loadtest/runner";
import { breaches, summarise } from "../../scripts/loadtest/stats";

const REPO = path.resolve(__dirname, "../..");

describe("load test profiles", () => {
  it("ramps linearly, holds, splits buyers from browsers, and stops at the end", () => {
    const ramp = { kind: "ramp", fromRate: 10, toRate: 110, rampSeconds: 10, holdSeconds: 5, buyShare: 0.25 } as const;
    expect(ratesAt(ramp, 0)).toEqual({ browse: 7.5, buy: 2.5 });
    expect(ratesAt(ramp, 5)).toEqual({ browse: 45, buy: 15 });
    expect(ratesAt(ramp, 12)).toEqual({ browse: 82.5, buy: 27.5 });
    expect(profileSeconds(ramp)).toBe(15);
    expect(ratesAt(ramp, 15)).toEqual({ browse: 0, buy: 0 });
  });

  it("spikes purchases when the sale opens, then keeps a tenth for the retries", () => {
    const spike = { kind: "spike", browseRate: 20, peakBuyRate: 500, spikeAtSeconds: 10, spikeSeconds: 5, tailSeconds: 10 } as const;
    expect(ratesAt(spike, 9.9)).toEqual({ browse: 20, buy: 0 });
    expect(ratesAt(spike, 10)).toEqual({ browse: 20, buy: 500 });
    expect(ratesAt(spike, 16)).toEqual({ browse: 20, buy: 50 });
    expect(ratesAt(spike, 25)).toEqual({ browse: 0, buy: 0 });
  });
});

describe("load test flags", () => {
  const base = ["--url", "https://shop.example.com", "--tokens", "t.txt", "--coupon", "42"];

  it("takes a spike profile and thresholds", () => {
    const flags = parseLoadTestFlags([...base, "--profile", "spike", "--peak", "3000", "--max-p99", "250"]);
    expect(flags.profile).toMatchObject({ kind: "spike", peakBuyRate: 3000 });
    expect(flags.thresholds).toEqual({ maxErrorRate: 0.01, maxP99Ms: 250 });
  });

  it("refuses bad input naming the flag, the value and what is accepted", () => {
    expect(() => parseLoadTestFlags([...base, "--buy-share", "1.5"])).toThrow(/--buy-share must be a number from 0 to 1 \(got "1.5"\)/);
    expect(() => parseLoadTestFlags([...base, "--profile", "soak"])).toThrow(/--profile must be ramp or spike \(got "soak"\)/);
    expect(() => parseLoadTestFlags(["--url", "ftp://x", "--tokens", "t", "--coupon", "1"])).toThrow(/--url must be http or https/);
    expect(() => parseLoadTestFlags([...base, "--coupon", "../1"])).toThrow(/--coupon must be a coupon id/);
    expect(() => parseLoadTestFlags([...base, "--bogus", "1"])).toThrow(/Unknown option '--bogus'/);
  });
});

describe("load test against a real HTTP server", () => {
  // Answers like a gateway: the catalog, and purchases that fail with 500 every fifth time.
  const seen = { browse: 0, buy: 0, failed: 0, tokens: new Set<string>() };
  let server: Server;
  let url: URL;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.tokens.add(req.headers.authorization ?? "");
      if (req.method === "GET" && req.url === "/api/coupons") {
        seen.browse++;
        res.writeHead(200, { "content-type": "application/json" }).end("[]");
        return;
      }
      if (req.method === "POST" && req.url === "/api/coupons/42/purchase") {
        seen.buy++;
        const fail = seen.buy % 5 === 0;
        if (fail) seen.failed++;
        res.writeHead(fail ? 500 : 202).end("{}");
        return;
      }
      res.writeHead(404).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => server.close());

  it("counts every answer the server gave, classifies 5xx as errors, and reports the broken threshold", async () => {
    const record = await runLoad({
      baseUrl: url,
      couponId: "42",
      tokens: ["t1", "t2", "t3"],
      profile: { kind: "ramp", fromRate: 100, toRate: 100, rampSeconds: 1, holdSeconds: 0, buyShare: 0.5 },
      maxInFlight: 100,
      timeoutMs: 5_000,
      progressEveryMs: 60_000,
      onProgress: () => undefined,
    });
    const buy = summarise(record.buy);
    const browse = summarise(record.browse);
    expect(buy.sent).toBe(seen.buy);
    expect(browse.sent).toBe(seen.browse);
    expect(buy.errors).toBe(seen.failed);
    expect(buy.statuses["500"]).toBe(seen.failed);
    expect(browse.errors).toBe(0);
    expect([...seen.tokens].sort()).toEqual(["Bearer t1", "Bearer t2", "Bearer t3"]);
    expect(seen.failed).toBeGreaterThan(0);
    expect(breaches("buy", buy, { maxErrorRate: 0.01, maxP99Ms: 60_000 })).toEqual([
      expect.stringMatching(/^buy: error rate \d+\.\d+ % > 1\.00 %$/),
    ]);
    expect(breaches("browse", browse, { maxErrorRate: 0.01, maxP99Ms: 60_000 })).toEqual([]);
  });

  it("counts answers a buyer should never get (401, 404, 400) as errors, and the expected refusals as answered", () => {
    const outcomes = [200, 202, 402, 409, 410, 429, 401, 404, 400, 503].map((status) => ({ status, ms: 1 }));
    const summary = summarise([...outcomes, { failure: "timeout" as const, ms: 10_000 }]);
    expect(summary.answered).toBe(6);
    expect(summary.errors).toBe(5);
  });

  it("exits 1 from the command line when a threshold breaks, after printing the summary", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "loadtest-"));
    writeFileSync(path.join(dir, "tokens.txt"), "a\nb\n");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(REPO, "scripts", "loadtest.ts"),
        ...["--url", url.toString(), "--tokens", path.join(dir, "tokens.txt"), "--coupon", "42"],
        ...["--from", "50", "--to", "50", "--ramp", "1", "--hold", "0", "--buy-share", "1"],
      ],
      { cwd: REPO, encoding: "utf8" },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^buy\s+\d+/m);
    expect(run.stdout).toContain("FAILED:");
  });
});
