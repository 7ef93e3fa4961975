import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type RowDataPacket, createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../../lib/db/migrations";
import { buildableApps, buildApp } from "../../../scripts/build-app";
import { TEST_INTERNAL_IDENTITY } from "../../test-support/internal-identity";
import { TEST_DATABASE, TEST_KAFKA_BROKER, serviceRedisUrl, uniqueTopic } from "../../test-support/test-env";
import { freePort } from "../../../scripts/lib/port-probe";

async function waitForHttp(url: string, attempts: number): Promise<Response> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i += 1) {
    try {
      return await fetch(url);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${url} never answered: ${String(lastError)}`);
}

/**
 * What the production image runs: the esbuild bundle of a service, alone, with
 * node and no node_modules beside it.
 */
describe("production bundles", () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "coupon-platform-bundle-"));
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill("SIGKILL");
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it.each(buildableApps())("bundles %s into one self-contained file", async (app) => {
    const file = await buildApp(app, outDir);
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name === "node_modules")).toEqual([]);
  });

  it("ships the release's migration step in each image, runnable on its own", async () => {
    const file = path.join(path.dirname(await buildApp("payment", outDir)), "migrate.js");
    const migration = spawn(process.execPath, [file], {
      cwd: outDir,
      env: { PATH: process.env.PATH, MYSQL_DATABASE: "coupon_bundle_migrate_test", SERVICE_DB_AUTH: "none", LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const [code] = (await once(migration, "exit")) as [number | null];
    expect(code).toBe(0);
    const db = await createConnection({
      host: "127.0.0.1",
      port: 3306,
      user: "root",
      password: "",
      database: "coupon_bundle_migrate_test",
    });
    try {
      const [rows] = await db.query<RowDataPacket[]>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((row) => Number(row.version))).toEqual(migrations.map((m) => m.version));
    } finally {
      await db.query("DROP DATABASE coupon_bundle_migrate_test");
      await db.end();
    }
  });

  describe("the coupon bundle", () => {
    let port: number;
    let exit: Promise<[number | null, NodeJS.Signals | null]>;

    beforeAll(async () => {
      const file = await buildApp("coupon", outDir);
      port = await freePort();
      // Run from an empty directory so nothing but the bundle can be resolved.
      child = spawn(process.execPath, [file], {
        cwd: outDir,
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          METRICS_PORT: "0",
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          MYSQL_DATABASE: TEST_DATABASE,
          REDIS_URL: serviceRedisUrl("coupon", 13),
          KAFKA_BROKERS: TEST_KAFKA_BROKER,
          KAFKA_ORDERS_TOPIC: uniqueTopic("bundle"),
          SHUTDOWN_GRACE_MS: "5000",
          ...TEST_INTERNAL_IDENTITY.service,
        },
        stdio: ["ignore", "ignore", "pipe"],
      });
      exit = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    });

    it("serves its health endpoints", async () => {
      const live = await waitForHttp(`http://127.0.0.1:${port}/health/live`, 120);
      expect(live.status).toBe(200);
      const ready = await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 40);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready" });
    });

    it("drains and exits 0 on SIGTERM, as a pod does in a rollout", async () => {
      child!.kill("SIGTERM");
      const [code] = await exit;
      expect(code).toBe(0);
    });
  });
});
