import { expect } from "vitest";
import type { CapturedResource } from "../../../scripts/lib/mock-stack/aws-mocks";
import type { StackRun } from "../../../scripts/lib/mock-stack/run-stack";

/**
 * The Helm release that installs a chart, found by the chart it installs rather than
 * by its logical name, and its key in `run.dependsOn` ("type::name").
 */
export function helmRelease(run: StackRun, chart: string): { release: CapturedResource; key: string } {
  const releases = run.ofType("kubernetes:helm.sh/v3:Release").filter((release) => release.inputs.chart === chart);
  expect(releases, `one Helm release of chart ${chart}`).toHaveLength(1);
  const release = releases[0]!;
  return { release, key: `${release.type}::${release.name}` };
}
