import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** Kernel clock ticks per second and bytes per page: the units of /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
const PAGE_BYTES = Number(execFileSync("getconf", ["PAGESIZE"]).toString().trim());

export interface ProcessSample {
  /** User plus system CPU time the process has used since it started. */
  cpuSeconds: number;
  rssBytes: number;
}

/**
 * The fields of a /proc/<pid>/stat line after the command name, which may hold
 * spaces and parentheses: the name ends at the last ")". Index 0 is field 3 (state).
 */
export function statFields(statLine: string): string[] {
  return statLine
    .slice(statLine.lastIndexOf(")") + 2)
    .trim()
    .split(" ");
}

/** utime (field 14) + stime (15), and rss (24) in pages. */
export function sampleFromStat(statLine: string): ProcessSample {
  const fields = statFields(statLine);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes: Number(fields[21]) * PAGE_BYTES };
}

/** CPU time reaped from waited-for children: cutime (16) + cstime (17). */
export function childrenCpuSecondsFromStat(statLine: string): number {
  const fields = statFields(statLine);
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

export function sampleProcess(pid: number): ProcessSample {
  return sampleFromStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** A process and its children (a cluster primary and its workers). */
export function withChildren(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(readFileSync(`/proc/${entry}/stat`, "utf8"))[1]) === pid) children.push(Number(entry));
    } catch {
      // the process ended while the list was read
    }
  }
  return [pid, ...children];
}

/** Pids whose command line contains `needle` (the local Redis, MariaDB and Kafka the run uses but did not start). */
export function pidsMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended while the list was read
    }
  }
  return pids;
}
