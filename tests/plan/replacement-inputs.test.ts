import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";
import { isDowngrade, isStatefulType, replacingEntry, STATEFUL_REPLACEMENT_INPUTS } from "../../scripts/lib/plan/replacement-inputs";
import { committedPlan } from "./harness/plan-of";

/**
 * The table names inputs as the installed providers type them: a path that does not
 * exist (a typo, a field renamed in a provider upgrade) would guard nothing.
 */
const AWS = path.join(REPO_ROOT, "node_modules", "@pulumi", "aws");
const awsInputTypes = fs.readFileSync(path.join(AWS, "types", "input.d.ts"), "utf8");

/** The body of `interface <name> {` in a declaration file's text, from `from` on. */
function interfaceBody(text: string, name: string, from = 0): string | undefined {
  const start = text.indexOf(`interface ${name} {`, from);
  if (start < 0) return undefined;
  const open = text.indexOf("{", start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

/** The type a property is declared with in an interface body (`name?: <type>;`). */
function propertyType(body: string, property: string): string | undefined {
  return new RegExp(`^\\s*(?:readonly\\s+)?${property}\\??:\\s*(.+);$`, "m").exec(body)?.[1];
}

/** The Args interface body of a resource type token. */
function argsOf(type: string): string | undefined {
  if (type === "eks:index:Cluster")
    return interfaceBody(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "eks", "cluster.d.ts"), "utf8"), "ClusterArgs");
  const match = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [, module, file, resource] = match;
  return interfaceBody(fs.readFileSync(path.join(AWS, module as string, `${file}.d.ts`), "utf8"), `${resource}Args`);
}

/** Follows a dotted input path through the provider's nested input types. */
function pathExists(type: string, inputPath: string): boolean {
  let body = argsOf(type);
  const segments = inputPath.replace(/\[\]/g, "").split(".");
  for (const [i, segment] of segments.entries()) {
    const declared = body && propertyType(body, segment);
    if (!declared) return false;
    if (i === segments.length - 1) return true;
    const nested = /inputs\.([a-z0-9]+)\.([A-Za-z0-9]+)/.exec(declared);
    if (!nested) return false;
    const namespace = awsInputTypes.indexOf(`namespace ${nested[1]} {`);
    body = interfaceBody(awsInputTypes, nested[2] as string, namespace);
  }
  return false;
}

describe("the table of inputs that force replacement", () => {
  const rows = Object.entries(STATEFUL_REPLACEMENT_INPUTS).flatMap(([type, entries]) =>
    entries.map((entry) => [type, entry.path] as const),
  );

  it.each(rows)("%s: %s is an input the provider declares", (type, inputPath) => {
    expect(pathExists(type, inputPath)).toBe(true);
  });

  it("would notice a path the provider does not declare", () => {
    expect(pathExists("aws:rds/instance:Instance", "storageEncryptd")).toBe(false);
    expect(pathExists("aws:msk/cluster:Cluster", "encryptionInfo.encryptionAtRestKey")).toBe(false);
  });

  it("covers every stateful type the diff guards", () => {
    for (const type of [
      "aws:rds/instance:Instance",
      "aws:msk/cluster:Cluster",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "eks:index:Cluster",
      "aws:eks/cluster:Cluster",
      "aws:kms/key:Key",
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ecr/repository:Repository",
    ]) {
      expect(isStatefulType(type), type).toBe(true);
    }
    expect(isStatefulType("kubernetes:core/v1:ConfigMap")).toBe(false);
  });

  it("names inputs the kit's prod stack really sets on each of its stateful resources", () => {
    const prod = committedPlan("prod");
    // The kit's keys keep every replacing input at its default (symmetric, single-region).
    const allDefaults = new Set(["aws:kms/key:Key"]);
    for (const resource of prod.resources.filter((r) => isStatefulType(r.type) && !allDefaults.has(r.type))) {
      const set = (STATEFUL_REPLACEMENT_INPUTS[resource.type] ?? []).filter(
        (entry) => (entry.path.split(".")[0] as string) in resource.inputs,
      );
      expect(set.length, `${resource.type} ${resource.name}`).toBeGreaterThan(0);
    }
  });

  it("tells the conditional ones apart: only the direction the provider cannot apply in place replaces", () => {
    const cache = "aws:elasticache/replicationGroup:ReplicationGroup";
    expect(replacingEntry(cache, { path: "engine", before: "redis", after: "valkey" })).toBeUndefined();
    expect(replacingEntry(cache, { path: "engine", before: "valkey", after: "redis" })).toBeDefined();
    expect(replacingEntry("aws:msk/cluster:Cluster", { path: "kafkaVersion", before: "3.8.x", after: "3.9.x" })).toBeUndefined();
    expect(replacingEntry("aws:msk/cluster:Cluster", { path: "kafkaVersion", before: "4.0.x.kraft", after: "3.9.x" })).toBeDefined();
    // ZooKeeper to KRaft is a new cluster, upwards too; KRaft to a later KRaft is an upgrade.
    expect(replacingEntry("aws:msk/cluster:Cluster", { path: "kafkaVersion", before: "3.9.x", after: "4.0.x.kraft" })).toBeDefined();
    expect(
      replacingEntry("aws:msk/cluster:Cluster", { path: "kafkaVersion", before: "3.9.x.kraft", after: "4.1.x.kraft" }),
    ).toBeUndefined();
    expect(
      replacingEntry("eks:index:Cluster", { path: "encryptionConfigKeyArn", before: undefined, after: "arn:aws:kms:eu-west-1:1:key/k" }),
    ).toBeUndefined();
    expect(
      replacingEntry("eks:index:Cluster", { path: "encryptionConfigKeyArn", before: "arn:aws:kms:eu-west-1:1:key/k", after: undefined }),
    ).toBeDefined();
    expect(replacingEntry("aws:rds/instance:Instance", { path: "s3Import.sourceEngine", before: "mysql", after: "mariadb" })).toBeDefined();
    expect(
      replacingEntry("aws:rds/instance:Instance", { path: "instanceClass", before: "db.r7g.large", after: "db.r7g.xlarge" }),
    ).toBeUndefined();
  });

  it("sees a replacing field inside a block that is added, removed or rewritten as a whole", () => {
    const kafka = "aws:msk/cluster:Cluster";
    const key = { encryptionAtRestKmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" };
    expect(replacingEntry(kafka, { path: "encryptionInfo", before: undefined, after: key })?.path).toBe(
      "encryptionInfo.encryptionAtRestKmsKeyArn",
    );
    expect(replacingEntry(kafka, { path: "encryptionInfo", before: key, after: undefined })).toBeDefined();
    // A block rewritten with the same replacing field, and only updatable ones changed, replaces nothing.
    expect(
      replacingEntry(kafka, { path: "encryptionInfo", before: { ...key, encryptionInTransit: { clientBroker: "TLS" } }, after: key }),
    ).toBeUndefined();
    expect(
      replacingEntry("eks:index:Cluster", { path: "kubernetesServiceIpAddressRange", before: "172.20.0.0/16", after: "10.100.0.0/16" }),
    ).toBeDefined();
  });

  it("compares versions part by part", () => {
    expect(isDowngrade("3.9.x", "3.8.x")).toBe(true);
    expect(isDowngrade("3.10.x", "3.9.x")).toBe(true);
    expect(isDowngrade("3.9.x", "4.0.x.kraft")).toBe(false);
    expect(isDowngrade("7.2", "7.2")).toBe(false);
  });
});
