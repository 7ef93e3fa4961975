import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";

/**
 * Bundles one service into a single JavaScript file with the npm packages it
 * imports — and nothing else: the production image carries no dev dependencies,
 * no TypeScript toolchain and none of the Pulumi packages the repository also holds.
 */
export const REPO_ROOT = path.resolve(__dirname, "..");

export function appEntry(app: string): string {
  return path.join(REPO_ROOT, "apps", app, "src", "main.ts");
}

const MIGRATION_ENTRY = path.join(REPO_ROOT, "apps", "lib", "db", "migrate-main.ts");

export function buildableApps(): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, "apps"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(appEntry(entry.name)))
    .map((entry) => entry.name)
    .sort();
}

export async function buildApp(app: string, outDir: string): Promise<string> {
  if (!buildableApps().includes(app)) {
    throw new Error(`unknown app "${app}"; accepted: ${buildableApps().join(", ")} (a folder in apps/ with src/main.ts)`);
  }
  // Every image also carries the release's migration step (migrate.js), which the stack's Job runs.
  await build({
    entryPoints: { main: appEntry(app), migrate: MIGRATION_ENTRY },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "linked",
    outdir: path.join(outDir, app),
    logLevel: "warning",
    legalComments: "linked",
  });
  return path.join(outDir, app, "main.js");
}

async function main(): Promise<void> {
  const [app, outDir = path.join(REPO_ROOT, "dist")] = process.argv.slice(2);
  const apps = app === undefined || app === "all" ? buildableApps() : [app];
  for (const name of apps) console.log(`built ${path.relative(REPO_ROOT, await buildApp(name, outDir))}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
