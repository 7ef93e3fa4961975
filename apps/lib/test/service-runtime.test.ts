import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_DATABASE, TEST_REDIS_URL } from "../../test-support/test-env";
import { createMysqlPool } from "../clients/mysql";
import { mysqlEnv, redisEnv, serverEnv } from "../config/common-env";
import { finishApp } from "../http/create-app";
import { createLogger } from "../logger";
import { ServiceRuntime, type ShutdownPlan } from "../service-runtime";

const config = {
  ...serverEnv.parse({ SERVICE_NAME: "runtime-test", METRICS_PORT: "0", HOST: "127.0.0.1", PORT: "0", SHUTDOWN_GRACE_MS: "1000" }),
  ...redisEnv.parse({ REDIS_URL: TEST_REDIS_URL }),
  ...mysqlEnv.parse({ MYSQL_DATABASE: TEST_DATABASE }),
  MIGRATE_ON_START: true,
};
const logger = createLogger("runtime-test", "silent");

// Whatever a test started is shut down even when the test fails half way.
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function serve(runtime: ServiceRuntime, plan: ShutdownPlan, required: Record<string, () => Promise<void>> = {}) {
  const app = runtime.createApp({ required, optional: { flaky: async () => Promise.reject(new Error("down")) } });
  finishApp(app);
  const { port, shutdown } = await runtime.serve(createServer(app), plan);
  stop = shutdown;
  return { base: `http://127.0.0.1:${port}`, shutdown };
}

describe("ServiceRuntime", () => {
  it("is ready when Redis, MySQL and the service's own required checks answer; an optional failure only degrades", async () => {
    const logged: string[] = [];
    const runtime = await ServiceRuntime.start(
      config,
      createLogger("runtime-test", "warn", { write: (line: string) => void logged.push(line) }),
    );
    let consumerUp = true;
    const { base } = await serve(
      runtime,
      { steps: [] },
      {
        consumer: async () => {
          if (!consumerUp) throw new Error("no group");
        },
      },
    );

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { redis: "ok", mysql: "ok", consumer: "ok" },
      degraded: { flaky: "failing" },
    });

    consumerUp = false;
    const notReady = await fetch(`${base}/health/ready`);
    expect(notReady.status).toBe(503);
    const answer = await notReady.text();
    expect(JSON.parse(answer)).toEqual({
      status: "not_ready",
      checks: { redis: "ok", mysql: "ok", consumer: "failing" },
      degraded: { flaky: "failing" },
    });
    // Why a check fails is for the operator's logs, not for whoever reaches the port.
    expect(answer).not.toMatch(/no group|down/);
    expect(logged.join("")).toContain('"check":"consumer","reason":"no group"');
  });

  it("on shutdown stops taking traffic, runs the service's steps while the clients still work, closes Redis before MySQL, once", async () => {
    const runtime = await ServiceRuntime.start(config, logger);
    const reader = createMysqlPool(config);
    const seen: string[] = [];
    const { base, shutdown } = await serve(runtime, {
      onBegin: () => seen.push(`begin, accepting ${runtime.isAcceptingTraffic()}`),
      steps: [
        {
          name: "service step",
          run: async () => {
            // The service's own step (a relay, a consumer) still has its clients.
            seen.push(`redis ${await runtime.redis.ping()}`);
            const [rows] = await runtime.pool.query("SELECT 1 AS one");
            seen.push(`mysql ${JSON.stringify(rows)}`);
          },
        },
      ],
      closeWithMysql: [
        {
          end: async () => {
            seen.push(`reader pool closing, redis ${runtime.redis.status}`);
            await reader.end();
          },
        },
      ],
    });
    expect(runtime.isAcceptingTraffic()).toBe(true);

    const first = shutdown();
    expect(shutdown()).toBe(first);
    await first;
    await shutdown();
    expect(seen).toEqual(["begin, accepting false", "redis PONG", 'mysql [{"one":1}]', "reader pool closing, redis end"]);
    expect(runtime.redis.status).toBe("end");
    await expect(runtime.pool.query("SELECT 1")).rejects.toThrow(/closed/i);
    await expect(reader.query("SELECT 1")).rejects.toThrow(/closed/i);
    await expect(fetch(`${base}/health/ready`)).rejects.toThrow();
  });
});
