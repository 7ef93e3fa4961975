import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";

/**
 * The one-way rule of infra/ (docs/ARCHITECTURE.md): apps → data | cluster | network
 * → security → shared. The three middle domains never import each other; no domain
 * imports the stack configuration or the composition root (they take arguments);
 * the configuration may use the domains' pure helpers (CIDR maths, chart windows).
 */
type Layer = "entry" | "configuration" | "apps" | "data" | "cluster" | "network" | "security" | "shared" | "services";

const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  entry: ["configuration", "apps", "data", "cluster", "network", "security", "shared", "services"],
  configuration: ["network", "cluster", "data", "security", "shared"],
  apps: ["data", "cluster", "network", "security", "shared", "services"],
  data: ["security", "shared", "services"],
  cluster: ["security", "shared"],
  network: ["security", "shared"],
  security: ["shared"],
  shared: [],
  services: [],
};

/** What infra/ may use of the services' code: their env schemas and the names they agree on, nothing that runs them. */
const SERVICE_CONTRACTS = [
  /^apps\/lib\/config\//,
  /^apps\/lib\/flash-sale\/(kafka-names|redis-acl)\.ts$/,
  /^apps\/lib\/db\/service-users\.ts$/,
  /^apps\/[a-z-]+\/src\/config\.ts$/,
];

function layerOf(file: string): Layer | "forbidden" {
  if (file === "infra/index.ts" || file === "infra/platform.ts") return "entry";
  if (file === "infra/config.ts" || file.startsWith("infra/configuration/")) return "configuration";
  const domain = /^infra\/(apps|data|cluster|network|security|shared)\//.exec(file)?.[1];
  if (domain) return domain as Layer;
  if (SERVICE_CONTRACTS.some((pattern) => pattern.test(file))) return "services";
  return "forbidden";
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

function violationsOf(edges: readonly Edge[]): string[] {
  return edges.flatMap(({ from, to }) => {
    const [source, target] = [layerOf(from), layerOf(to)];
    if (source === "forbidden") return [`${from} is in no layer: put it in a domain folder`];
    if (source === target) return [];
    if (target === "forbidden") return [`${from} → ${to}: infra/ may not import this`];
    return MAY_IMPORT[source].includes(target) ? [] : [`${from} → ${to}: ${source} may not import ${target}`];
  });
}

function infraFiles(dir = path.join(REPO_ROOT, "infra")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return infraFiles(full);
    return entry.name.endsWith(".ts") ? [path.relative(REPO_ROOT, full).split(path.sep).join("/")] : [];
  });
}

/** Every relative import (type-only ones too: they couple the code just the same). */
function importEdges(): Edge[] {
  return infraFiles().flatMap((from) => {
    const source = fs.readFileSync(path.join(REPO_ROOT, from), "utf8");
    return ts
      .preProcessFile(source, true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => ({ from, to: path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)) + ".ts" }));
  });
}

describe("infra/ import graph", () => {
  const edges = importEdges();

  it("reads the real graph (every domain folder imports something)", () => {
    expect(edges.length).toBeGreaterThan(60);
    for (const domain of ["apps", "data", "cluster", "network", "security"]) {
      expect(
        edges.some((edge) => edge.from.startsWith(`infra/${domain}/`)),
        domain,
      ).toBe(true);
    }
  });

  it("runs one way: apps → data | cluster | network → security → shared", () => {
    expect(violationsOf(edges)).toEqual([]);
  });

  it("would refuse a back edge, a sideways edge, a domain reading the config, and a file outside the folders", () => {
    expect(
      violationsOf([
        { from: "infra/data/kafka.ts", to: "infra/apps/app-service.ts" },
        { from: "infra/network/network.ts", to: "infra/cluster/cluster.ts" },
        { from: "infra/apps/coupon.ts", to: "infra/configuration/schema.ts" },
        { from: "infra/security/kms-key.ts", to: "infra/shared/aws-context.ts" },
        { from: "infra/components/thing.ts", to: "infra/shared/aws-context.ts" },
        { from: "infra/apps/coupon.ts", to: "apps/coupon/src/service.ts" },
      ]),
    ).toEqual([
      "infra/data/kafka.ts → infra/apps/app-service.ts: data may not import apps",
      "infra/network/network.ts → infra/cluster/cluster.ts: network may not import cluster",
      "infra/apps/coupon.ts → infra/configuration/schema.ts: apps may not import configuration",
      "infra/components/thing.ts is in no layer: put it in a domain folder",
      "infra/apps/coupon.ts → apps/coupon/src/service.ts: infra/ may not import this",
    ]);
  });
});
