import * as http from "node:http";
import * as https from "node:https";
import { performance } from "node:perf_hooks";
import { type LoadProfile, type Rates, profileSeconds, ratesAt } from "./profile";
import { type Outcome, isError } from "./stats";
import { percentile } from "../lib/percentile";

export interface RunSettings {
  baseUrl: URL;
  couponId: string;
  tokens: readonly string[];
  profile: LoadProfile;
  /** Requests in flight at most; arrivals beyond it are counted as not sent (the target is not keeping up). */
  maxInFlight: number;
  timeoutMs: number;
  /** Called every `progressEveryMs` with what happened since the last call. */
  onProgress: (second: number, window: { done: number; errors: number; p99Ms: number; inFlight: number; notSent: number }) => void;
  progressEveryMs: number;
}

export interface RunRecord {
  browse: Outcome[];
  buy: Outcome[];
  /** Arrivals dropped because maxInFlight requests were already waiting. */
  notSent: number;
  seconds: number;
}

const TICK_MS = 10;

/**
 * An open-model load: requests start on the profile's schedule whether or not
 * earlier ones were answered, as buyers do; a closed loop would slow down with
 * the target and hide its queueing. Browsing cycles through the tokens; each
 * purchase attempt takes the next buyer in order, so every buyer tries once
 * before any tries again.
 */
export async function runLoad(settings: RunSettings): Promise<RunRecord> {
  const transport = settings.baseUrl.protocol === "https:" ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: settings.maxInFlight });
  const record: RunRecord = { browse: [], buy: [], notSent: 0, seconds: 0 };
  const due: Rates = { browse: 0, buy: 0 };
  let nextBuyer = 0;
  let nextBrowser = 0;
  let inFlight = 0;
  const inFlightDone: Promise<void>[] = [];
  let window: Outcome[] = [];
  let windowNotSent = 0;

  const send = (kind: "browse" | "buy") => {
    if (inFlight >= settings.maxInFlight) {
      record.notSent++;
      windowNotSent++;
      return;
    }
    const token =
      kind === "buy" ? settings.tokens[nextBuyer++ % settings.tokens.length] : settings.tokens[nextBrowser++ % settings.tokens.length];
    const path = kind === "buy" ? `/api/coupons/${encodeURIComponent(settings.couponId)}/purchase` : "/api/coupons";
    inFlight++;
    const started = performance.now();
    inFlightDone.push(
      new Promise<void>((resolve) => {
        let settled = false;
        const finish = (outcome: Outcome) => {
          if (settled) return;
          settled = true;
          inFlight--;
          record[kind].push(outcome);
          window.push(outcome);
          resolve();
        };
        const req = transport.request(
          new URL(path, settings.baseUrl),
          {
            method: kind === "buy" ? "POST" : "GET",
            agent,
            headers: { authorization: `Bearer ${token ?? ""}`, ...(kind === "buy" ? { "content-type": "application/json" } : {}) },
            timeout: settings.timeoutMs,
          },
          (res) => {
            res.resume();
            res.once("end", () => finish({ status: res.statusCode ?? 0, ms: performance.now() - started }));
            res.once("error", () => finish({ failure: "network", ms: performance.now() - started }));
            // Closed without an end (the connection dropped mid-answer): a failure, never a hang.
            res.once("close", () => finish({ failure: "network", ms: performance.now() - started }));
          },
        );
        req.once("timeout", () => {
          req.destroy();
          finish({ failure: "timeout", ms: performance.now() - started });
        });
        req.once("error", () => finish({ failure: "network", ms: performance.now() - started }));
        req.end(kind === "buy" ? "{}" : undefined);
      }),
    );
  };

  const totalMs = profileSeconds(settings.profile) * 1000;
  const started = performance.now();
  let lastProgress = started;
  let lastTick = started;
  for (let elapsed = 0; elapsed < totalMs; elapsed = performance.now() - started) {
    // Arrivals owed since the last tick, by the time that really passed (timers run late under load).
    const now = performance.now();
    const rates = ratesAt(settings.profile, elapsed / 1000);
    due.browse += (rates.browse * (now - lastTick)) / 1000;
    due.buy += (rates.buy * (now - lastTick)) / 1000;
    lastTick = now;
    for (; due.buy >= 1; due.buy--) send("buy");
    for (; due.browse >= 1; due.browse--) send("browse");
    if (performance.now() - lastProgress >= settings.progressEveryMs) {
      const sorted = window.map((o) => o.ms).sort((a, b) => a - b);
      settings.onProgress(Math.round(elapsed / 1000), {
        done: window.length,
        errors: window.filter(isError).length,
        p99Ms: percentile(sorted, 99),
        inFlight,
        notSent: windowNotSent,
      });
      window = [];
      windowNotSent = 0;
      lastProgress = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(inFlightDone);
  agent.destroy();
  record.seconds = (performance.now() - started) / 1000;
  return record;
}
