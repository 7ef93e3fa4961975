import { describe, expect, it } from "vitest";
import { type PhaseResult, medianOf } from "../../bench/e2e/phase";
import { childrenCpuSecondsFromStat, sampleFromStat } from "../../bench/e2e/proc-stats";
import { summariseProfile } from "../../bench/e2e/profile-summary";
import { targetLines } from "../../bench/e2e/report";
import { parseWrkOutput } from "../../bench/e2e/wrk";

describe("bench:e2e readings", () => {
  it("reads CPU and RSS from a /proc stat line whose command name holds spaces and parentheses", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime … rss
    const line = "4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 700 300 20 0 11 0 123 456789 2560";
    const sample = sampleFromStat(line);
    expect(sample.cpuSeconds).toBeCloseTo(3, 5); // (250 + 50) ticks at 100 Hz
    expect(sample.rssBytes).toBe(2560 * 4096);
    expect(childrenCpuSecondsFromStat(line)).toBeCloseTo(10, 5); // (700 + 300) ticks
  });

  it("parses load.lua's result line and refuses output without one", () => {
    const output =
      'Running 10s test\nE2E_RESULT {"requests":1200,"durationUs":10000000,"p50Us":1500,"p99Us":9000,"p999Us":20000,"maxUs":30000,"socketErrors":0,"timeouts":2,"statuses":{"202":1000,"410":200}}\n';
    expect(parseWrkOutput(output)).toEqual({
      requests: 1200,
      seconds: 10,
      p50Ms: 1.5,
      p99Ms: 9,
      p999Ms: 20,
      maxMs: 30,
      socketErrors: 0,
      timeouts: 2,
      statuses: { "202": 1000, "410": 200 },
    });
    expect(() => parseWrkOutput("wrk: connection refused\n")).toThrow(/no result line/);
  });

  it("takes the median of each number over rounds and sums the status mixes", () => {
    const round = (perSecond: number, cpu: number, statuses: Record<string, number>): PhaseResult => ({
      label: "p",
      requests: perSecond * 10,
      seconds: 10,
      p50Ms: perSecond / 100,
      p99Ms: perSecond / 10,
      p999Ms: perSecond / 5,
      maxMs: perSecond,
      socketErrors: 0,
      timeouts: 0,
      statuses,
      generatorCpuSeconds: 1,
      perSecond,
      processes: { coupon: { cpuUsPerRequest: cpu, cores: 1, rssMb: 100 } },
    });
    const median = medianOf([round(1000, 300, { "202": 10 }), round(3000, 100, { "202": 30 }), round(2000, 200, { "410": 5 })]);
    expect(median.perSecond).toBe(2000);
    expect(median.processes.coupon?.cpuUsPerRequest).toBe(200);
    expect(median.statuses).toEqual({ "202": 40, "410": 5 });
    expect(median.maxMs).toBe(3000);
  });

  it("says by how much a target is missed", () => {
    expect(
      targetLines([
        { name: "cpu", measured: 180, limit: 150, kind: "max", unit: "µs" },
        { name: "share", measured: 72.5, limit: 70, kind: "min", unit: "%" },
      ]),
    ).toEqual(["cpu: 180 µs (target ≤ 150 µs) — missed by 30 µs", "share: 72.5 % (target ≥ 70 %) — met"]);
  });

  it("groups a CPU profile's self time by package and by function", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const summary = summariseProfile({
      startTime: 0,
      endTime: 4_000,
      samples: [1, 2, 2, 3],
      nodes: [
        { id: 1, callFrame: frame("verify", "node:internal/crypto/sig"), hitCount: 1 },
        { id: 2, callFrame: frame("sign", "file:///x/node_modules/fast-jwt/src/signer.js"), hitCount: 2 },
        { id: 3, callFrame: frame("run", "file:///x/apps/coupon/src/purchase/purchase-routes.ts"), hitCount: 1 },
      ],
    });
    expect(summary.byOwner.map((l) => [l.name, l.selfMs])).toEqual([
      ["fast-jwt", 2],
      ["node:internal/crypto/sig", 1],
      ["apps/coupon/src/purchase/purchase-routes.ts", 1],
    ]);
  });
});
