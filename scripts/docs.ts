import * as fs from "fs";
import * as path from "path";
import { checkDocuments } from "./lib/docs/generated-docs";
import { REPO_ROOT } from "./lib/mock-stack/run-stack";

/**
 * `npm run docs`: renders the sections of the docs that the code owns — the stack
 * keys (from the config schema), the stack outputs (from infra/index.ts) and each
 * service's environment (from its zod schema) — between their markers
 * (scripts/lib/docs/markers.ts). `npm run docs -- --check` writes nothing and exits 1
 * naming the stale files; a test runs it.
 */
function main(): number {
  const check = process.argv.includes("--check");
  const results = checkDocuments(REPO_ROOT);
  const stale = results.filter((result) => result.stale);
  if (check) {
    for (const { file } of stale) console.error(`${file} is stale: run npm run docs`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const { file, updated } of stale) {
    fs.writeFileSync(path.join(REPO_ROOT, file), updated);
    console.log(`wrote ${file}`);
  }
  if (stale.length === 0) console.log("docs are up to date");
  return 0;
}

process.exitCode = main();
