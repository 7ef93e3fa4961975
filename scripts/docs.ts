import * as fs from "fs";
import * as path from "path";
import { checkDocuments, staleReport } from "./lib/docs/generated-docs";

/**
 * `npm run docs`: renders the sections of the docs that the code owns — the stack
 * keys (from the config schema), the stack outputs (from infra/index.ts) and each
 * service's environment (from its zod schema) — so they cannot drift from it.
 *
 * A generated section is everything between a pair of HTML comments named after it
 * (scripts/lib/docs/markers.ts); the text around them is the document's own:
 *
 *     <!-- generated:coupon-env -->
 *     …replaced on every run…
 *     <!-- /generated:coupon-env -->
 *
 * `npm run docs -- --check` writes nothing and exits 1, naming each stale file and
 * section; tests/docs runs the same check.
 */
const ROOT = path.resolve(__dirname, "..");

function main(): number {
  const check = process.argv.includes("--check");
  const results = checkDocuments(ROOT);
  const report = staleReport(results);
  if (check) {
    for (const line of report) console.error(`stale: ${line}`);
    if (report.length > 0) console.error("run npm run docs to render them");
    return report.length > 0 ? 1 : 0;
  }
  for (const { file, updated, stale } of results) {
    if (stale) fs.writeFileSync(path.join(ROOT, file), updated);
  }
  for (const line of report) console.log(`wrote ${line}`);
  if (report.length === 0) console.log("docs are up to date");
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  // A broken marker names its file; a stack trace would only bury that.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
