import type { LoadResult } from "../lib/load-runner";
import { countsText, table } from "../../scripts/lib/table";
import type { PhaseResult } from "./phase";
import type { DeliveryResult } from "./ws-delivery";

const mix = (statuses: Record<string, number>, socketErrors: number, timeouts: number) =>
  [
    ...Object.entries(statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}=${count}`),
    ...(socketErrors > 0 ? [`socket-errors=${socketErrors}`] : []),
    ...(timeouts > 0 ? [`timeouts=${timeouts}`] : []),
  ].join(" ");

export function throughputTable(phases: readonly PhaseResult[]): string {
  return table(
    ["phase", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "statuses (all rounds)"],
    phases.map((p) => [
      p.label,
      p.perSecond.toFixed(0),
      p.p50Ms.toFixed(2),
      p.p99Ms.toFixed(2),
      p.p999Ms.toFixed(2),
      mix(p.statuses, p.socketErrors, p.timeouts),
    ]),
  );
}

/** CPU µs per request (and cores used) for each process, RSS of the services. */
export function cpuTable(phases: readonly PhaseResult[], processNames: readonly string[]): string {
  return table(
    ["phase", ...processNames.map((n) => `${n} µs/req (cores)`), "RSS MB gw/coupon/payment"],
    phases.map((p) => [
      p.label,
      ...processNames.map((n) => {
        const use = p.processes[n];
        return use ? `${use.cpuUsPerRequest.toFixed(0)} (${use.cores.toFixed(2)})` : "-";
      }),
      ["gateway", "coupon", "payment"].map((n) => (p.processes[n]?.rssMb ?? 0).toFixed(0)).join("/"),
    ]),
  );
}

export function deliveryLine(d: DeliveryResult): string {
  return (
    `WebSocket delivery (accepted → result pushed): ${d.delivered}/${d.accepted} pushed of ${d.buyers} buyers; ` +
    `p50 ${d.p50Ms.toFixed(1)} ms, p99 ${d.p99Ms.toFixed(1)} ms, p99.9 ${d.p999Ms.toFixed(1)} ms, max ${d.maxMs.toFixed(1)} ms`
  );
}

export function referenceLine(r: LoadResult): string {
  return `${r.label}: ${r.perSecond.toFixed(0)} ops/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms (${countsText(r.outcomes)})`;
}

export interface Target {
  name: string;
  measured: number;
  limit: number;
  /** "max": measured must stay at or under limit; "min": at or over. */
  kind: "max" | "min";
  unit: string;
}

/** Each target with its measured value, and by how much it is missed when it is. */
export function targetLines(targets: readonly Target[]): string[] {
  return targets.map((t) => {
    const met = t.kind === "max" ? t.measured <= t.limit : t.measured >= t.limit;
    const gap = t.kind === "max" ? t.measured - t.limit : t.limit - t.measured;
    const verdict = met ? "met" : `missed by ${gap.toFixed(t.unit === "%" ? 1 : 0)} ${t.unit}`;
    const bound = `${t.kind === "max" ? "≤" : "≥"} ${t.limit} ${t.unit}`;
    return `${t.name}: ${t.measured.toFixed(t.unit === "%" ? 1 : 0)} ${t.unit} (target ${bound}) — ${verdict}`;
  });
}
