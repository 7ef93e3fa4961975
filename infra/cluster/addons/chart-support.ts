import type { PinnedChart } from "./add-on";
import { CHARTS } from "./chart-versions";

/** "1.35" → [1, 35], for comparing Kubernetes minors. */
function minorOf(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return [major, minor];
}

function compare(a: string, b: string): number {
  const [x, y] = [minorOf(a), minorOf(b)];
  return x[0] - y[0] || x[1] - y[1];
}

/** The pinned charts whose app does not support a Kubernetes minor, each with its window. */
export function chartsNotSupporting(kubernetesVersion: string): string[] {
  return (Object.values(CHARTS) as readonly PinnedChart[])
    .filter(
      ({ kubernetes }) =>
        compare(kubernetesVersion, kubernetes.min) < 0 || (kubernetes.max !== undefined && compare(kubernetesVersion, kubernetes.max) > 0),
    )
    .map(({ chart, kubernetes }) => `${chart} (${kubernetes.min}–${kubernetes.max ?? ""})`);
}
