import { readFileSync } from "node:fs";
import { table } from "../../scripts/lib/table";

/** The parts of V8's .cpuprofile (node --cpu-prof) this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  share: number;
}

/** Where a frame's code lives: a package under node_modules, node's own internals, or the project's file. */
export function ownerOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1]) return match[1];
  if (url.startsWith("node:")) return url;
  if (url === "") return "(native / V8)";
  const project = /\/(apps|bench|scripts)\/(.+)$/.exec(url);
  return project ? `${project[1] ?? ""}/${project[2] ?? ""}` : url;
}

/**
 * Self time of a profile grouped two ways: by owner (package, node internals,
 * project file) and by function. Sampled time: each sample is one interval.
 */
export function summariseProfile(profile: CpuProfile): { byOwner: ProfileLine[]; byFunction: ProfileLine[] } {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = profile.samples.length > 0 ? totalMs / profile.samples.length : 0;
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = ownerOf(url);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const fn = `${functionName || "(anonymous)"} ${owner}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const lines = (map: Map<string, number>) =>
    [...map].map(([name, selfMs]) => ({ name, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 })).sort((a, b) => b.selfMs - a.selfMs);
  return { byOwner: lines(owners), byFunction: lines(functions) };
}

const format = (lines: ProfileLine[], top: number) =>
  table(
    ["self ms", "share", "where"],
    lines.slice(0, top).map((l) => [l.selfMs.toFixed(0), `${(100 * l.share).toFixed(1)}%`, l.name]),
  );

// `tsx bench/e2e/profile-summary.ts <file.cpuprofile> [top]`
if (require.main === module) {
  const [file, top = "25"] = process.argv.slice(2);
  if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [top]");
  const summary = summariseProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  console.log(`${file}\n\nby owner:\n${format(summary.byOwner, Number(top))}\n\nby function:\n${format(summary.byFunction, Number(top))}`);
}
