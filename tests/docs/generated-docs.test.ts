import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { couponEnvSchema } from "../../apps/coupon/src/config";
import { gatewayEnvSchema } from "../../apps/gateway/src/config";
import { paymentEnvSchema } from "../../apps/payment/src/config";
import { platformConfigSchema } from "../../infra/configuration/schema";
import { envTable } from "../../scripts/lib/docs/env-tables";
import { checkDocuments, DOCUMENTS, regenerate, renderers, staleReport } from "../../scripts/lib/docs/generated-docs";
import { replaceSection } from "../../scripts/lib/docs/markers";
import { leavesOf } from "../../scripts/lib/docs/schema-walk";
import { stackKeysTable } from "../../scripts/lib/docs/stack-keys";
import { stackOutputs } from "../../scripts/lib/docs/stack-outputs";

const ROOT = path.resolve(__dirname, "..", "..");

/** The repository's documents in a scratch directory, so a test can break one without touching the real file. */
function scratchCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docs-"));
  for (const file of DOCUMENTS) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  return dir;
}

describe("docs generated from the code", () => {
  it("are current: the stack keys, the outputs and every service's environment (run npm run docs)", () => {
    // Each entry names the file and its stale sections.
    expect(staleReport(checkDocuments(ROOT))).toEqual([]);
  });

  it("npm run docs -- --check passes on the committed docs", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "docs.ts"), "--check"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("go stale when a key's description changes in the schema, naming the file and the section", () => {
    const { shape } = platformConfigSchema;
    const network = shape.network.extend({ azCount: shape.network.shape.azCount.describe("A changed description.") });
    const changed = z.strictObject({ ...shape, network });
    const render = { ...renderers(ROOT), "stack-keys": () => stackKeysTable(changed) };

    const results = checkDocuments(ROOT, render);
    expect(staleReport(results)).toContain("stacks/README.md: stack-keys");
    expect(results.find((result) => result.file === "stacks/README.md")?.updated).toContain(
      "| `network.azCount` | A changed description. | an integer from 2 to 3 |",
    );
  });

  it("go stale when a variable's description changes in a service's schema, naming the file and the section", () => {
    const { shape } = couponEnvSchema;
    const changed = z.object({ ...shape, CATALOG_MAX_PAGE: shape.CATALOG_MAX_PAGE.describe("A changed description.") });
    const render = { ...renderers(ROOT), "coupon-env": () => envTable(changed) };

    const results = checkDocuments(ROOT, render);
    expect(staleReport(results)).toContain("docs/SERVICES.md: coupon-env");
    expect(results.find((result) => result.file === "docs/SERVICES.md")?.updated).toContain(
      "| `CATALOG_MAX_PAGE` | `100` | A changed description. |",
    );
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

  it("describe every stack key and every variable (an empty cell is a key nobody explained)", () => {
    const schemas = { stack: platformConfigSchema, coupon: couponEnvSchema, payment: paymentEnvSchema, gateway: gatewayEnvSchema };
    const undescribed = Object.entries(schemas).flatMap(([owner, schema]) =>
      leavesOf(schema)
        .filter((leaf) => !leaf.schema.description)
        .map((leaf) => `${owner}: ${leaf.path}`),
    );
    expect(undescribed).toEqual([]);
  });

  it("list every output infra/index.ts exports, each with its doc comment", () => {
    const outputs = stackOutputs(path.join(ROOT, "infra", "index.ts"));
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

  it("refuse a real document whose end marker was deleted, naming it", () => {
    const dir = scratchCopy();
    try {
      const file = path.join(dir, "docs", "SERVICES.md");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("<!-- /generated:coupon-env -->\n", ""));
      expect(() => checkDocuments(dir, renderers(ROOT))).toThrow(
        "docs/SERVICES.md: <!-- generated:coupon-env --> has no closing <!-- /generated:coupon-env -->",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuse a section that appears twice, since only the first copy would be rendered", () => {
    const text = "<!-- generated:x -->\n<!-- /generated:x -->\n<!-- generated:x -->\n<!-- /generated:x -->\n";
    expect(() => regenerate(text, "f.md", { x: () => "body" })).toThrow("f.md: <!-- generated:x --> appears more than once");
  });
});
