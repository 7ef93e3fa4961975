import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePlatformConfig } from "../../infra/config";
import { chartsNotSupporting } from "../../infra/cluster/addons/chart-support";
import { CHARTS } from "../../infra/cluster/addons/chart-versions";
import { REPO_ROOT, stackConfig } from "../../scripts/lib/mock-stack/run-stack";

interface RecordedChart {
  readonly repository: string;
  readonly recordedFrom: string;
  readonly entries: readonly {
    readonly version: string;
    readonly appVersion: string;
    readonly kubeVersion?: string;
    readonly digest?: string;
  }[];
}
const index = parse(fs.readFileSync(path.join(REPO_ROOT, "tests", "fixtures", "helm-chart-index.yaml"), "utf8")) as Record<
  string,
  RecordedChart
>;

describe("pinned Helm charts", () => {
  it.each(Object.entries(CHARTS))(
    "%s: the pinned version was published in its repository, with the app version the pin names",
    (_name, chart) => {
      const recorded = index[chart.chart];
      expect(recorded?.repository, `no recorded index for ${chart.chart}`).toBe(chart.repo);
      const entry = recorded?.entries.find((candidate) => candidate.version === chart.version);
      expect(entry, `${chart.chart} ${chart.version} is not in ${chart.repo}'s index`).toBeDefined();
      expect(entry?.appVersion).toBe(chart.appVersion);
    },
  );

  it("would catch a version that was never published (argo-rollouts 2.41.1 is not in the recorded index)", () => {
    expect(index["argo-rollouts"]?.entries.some((entry) => entry.version === "2.41.1")).toBe(false);
    expect(index["argo-rollouts"]?.entries.some((entry) => entry.version === "2.41.0")).toBe(true);
  });

  it.each(["dev", "prod"])("support the Kubernetes version of stack %s", (stack) => {
    const config = parsePlatformConfig({ stack, values: stackConfig(stack) });
    expect(chartsNotSupporting(config.cluster.kubernetesVersion)).toEqual([]);
    // The autoscaler must be the cluster's own minor.
    expect(CHARTS.clusterAutoscaler.appVersion.split(".").slice(0, 2).join(".")).toBe(config.cluster.kubernetesVersion);
  });

  it("name the charts that do not support a version, with their windows", () => {
    expect(chartsNotSupporting("1.36")).toEqual(["argo-rollouts (1.32–1.35)", "cluster-autoscaler (1.35–1.35)", "keda (1.33–1.35)"]);
    expect(chartsNotSupporting("1.35")).toEqual([]);
  });
});
