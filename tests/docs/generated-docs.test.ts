import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envTable } from "../../scripts/lib/docs/env-tables";
import { checkDocuments, renderers } from "../../scripts/lib/docs/generated-docs";
import { replaceSection } from "../../scripts/lib/docs/markers";
import { stackOutputs } from "../../scripts/lib/docs/stack-outputs";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";
import * as path from "path";

describe("docs generated from the code", () => {
  it("are current: the stack keys, the outputs and every service's environment (run npm run docs)", () => {
    expect(
      checkDocuments(REPO_ROOT)
        .filter((result) => result.stale)
        .map((result) => result.file),
    ).toEqual([]);
  });

  it("go stale when what they render changes, naming the file", () => {
    const render = {
      ...renderers(REPO_ROOT),
      "payment-env": () => envTable(z.object({ SETTLEMENT_MAX_ATTEMPTS: z.string().describe("a changed description") })),
    };
    const stale = checkDocuments(REPO_ROOT, render).filter((result) => result.stale);
    expect(stale.map((result) => result.file)).toEqual(["docs/PAYMENT-GATEWAY.md"]);
    expect(stale[0]?.updated).toContain("| `SETTLEMENT_MAX_ATTEMPTS` | **required** | a changed description |");
  });

  it("render each variable's default, optional or required state from the schema itself", () => {
    const table = envTable(
      z.object({
        A: z.string().default("x").describe("has a default"),
        B: z.string().optional(),
        C: z.string(),
        D: z.string().default(() => Math.random().toString()),
      }),
    );
    expect(table.split("\n").slice(2)).toEqual([
      "| `A` | `x` | has a default |",
      "| `B` | optional |  |",
      "| `C` | **required** |  |",
      "| `D` | generated at start |  |",
    ]);
  });

  it("list every output infra/index.ts exports, each with its doc comment", () => {
    const outputs = stackOutputs(path.join(REPO_ROOT, "infra", "index.ts"));
    expect(outputs.map((output) => output.name)).toContain("appConnections");
    expect(outputs.filter((output) => output.description === "").map((output) => output.name)).toEqual([]);
  });

  it("refuse a section whose end marker is missing, naming the file", () => {
    expect(() => replaceSection("<!-- generated:stack-keys -->\nold", "stack-keys", "new", "stacks/README.md")).toThrow(
      "stacks/README.md: <!-- generated:stack-keys --> has no closing <!-- /generated:stack-keys -->",
    );
    expect(replaceSection("a\n<!-- generated:x -->\nold\n<!-- /generated:x -->\nb", "x", "new", "f.md")).toBe(
      "a\n<!-- generated:x -->\nnew\n<!-- /generated:x -->\nb",
    );
  });
});
