import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";

const dockerfile = fs.readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8");

describe("the service image", () => {
  it("builds from base images pinned by digest, never by a moving tag alone", () => {
    const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) =>
      m[1]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? name),
    );
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base, base).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
  });
});
