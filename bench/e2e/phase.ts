import { type ProcessSample, sampleProcess } from "./proc-stats";
import { type WrkResult, type WrkRun, runWrk } from "./wrk";

/** A process whose CPU and memory each phase reports: a service of the run, or the local Redis, MariaDB, Kafka. */
export interface WatchedProcess {
  name: string;
  pids: readonly number[];
}

export interface ProcessUse {
  /** CPU time per request of the phase, in µs (all of the process's threads). */
  cpuUsPerRequest: number;
  /** Share of one core used over the phase. */
  cores: number;
  rssMb: number;
}

export interface PhaseResult extends WrkResult {
  label: string;
  perSecond: number;
  processes: Record<string, ProcessUse>;
}

const sampleAll = (watched: readonly WatchedProcess[]) =>
  watched.map((w) =>
    w.pids
      .map(sampleProcess)
      .reduce<ProcessSample>((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssBytes: a.rssBytes + b.rssBytes }), {
        cpuSeconds: 0,
        rssBytes: 0,
      }),
  );

/** One wrk run, with every watched process's CPU and RSS read from /proc before and after. */
export async function measurePhase(label: string, run: WrkRun, watched: readonly WatchedProcess[]): Promise<PhaseResult> {
  const before = sampleAll(watched);
  const result = await runWrk(run);
  const after = sampleAll(watched);
  const requests = Math.max(1, result.requests);
  const processes: Record<string, ProcessUse> = {};
  watched.forEach((w, i) => {
    const cpu = (after[i]?.cpuSeconds ?? 0) - (before[i]?.cpuSeconds ?? 0);
    processes[w.name] = {
      cpuUsPerRequest: (cpu * 1e6) / requests,
      cores: cpu / result.seconds,
      rssMb: (after[i]?.rssBytes ?? 0) / 2 ** 20,
    };
  });
  processes.wrk = {
    cpuUsPerRequest: (result.generatorCpuSeconds * 1e6) / requests,
    cores: result.generatorCpuSeconds / result.seconds,
    rssMb: 0,
  };
  return { ...result, label, perSecond: result.requests / result.seconds, processes };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** The same phase over several rounds: the median of each number, and the status mixes summed. */
export function medianOf(rounds: readonly PhaseResult[]): PhaseResult {
  const first = rounds[0];
  if (!first) throw new Error("no rounds to take the median of");
  const m = (pick: (r: PhaseResult) => number) => median(rounds.map(pick));
  const statuses: Record<string, number> = {};
  for (const r of rounds) for (const [status, count] of Object.entries(r.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const processes: Record<string, ProcessUse> = {};
  for (const name of Object.keys(first.processes)) {
    const use = (r: PhaseResult) => r.processes[name] ?? { cpuUsPerRequest: 0, cores: 0, rssMb: 0 };
    processes[name] = { cpuUsPerRequest: m((r) => use(r).cpuUsPerRequest), cores: m((r) => use(r).cores), rssMb: m((r) => use(r).rssMb) };
  }
  return {
    label: first.label,
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    seconds: rounds.reduce((sum, r) => sum + r.seconds, 0),
    perSecond: m((r) => r.perSecond),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    p999Ms: m((r) => r.p999Ms),
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    socketErrors: rounds.reduce((sum, r) => sum + r.socketErrors, 0),
    timeouts: rounds.reduce((sum, r) => sum + r.timeouts, 0),
    statuses,
    generatorCpuSeconds: rounds.reduce((sum, r) => sum + r.generatorCpuSeconds, 0),
    processes,
  };
}
