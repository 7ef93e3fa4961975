import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_DATABASE, TEST_REDIS_URL } from "../../test-support/test-env";
import { mysqlEnv, redisEnv, serverEnv } from "../config/common-env";
import { finishApp } from "../http/create-app";
import { listen } from "../http/listen";
import { createLogger } from "../logger";
import { ServiceRuntime } from "../service-runtime";

const config = {
  ...serverEnv.parse({ SERVICE_NAME: "runtime-test", SHUTDOWN_GRACE_MS: "1000" }),
  ...redisEnv.parse({ REDIS_URL: TEST_REDIS_URL }),
  ...mysqlEnv.parse({ MYSQL_DATABASE: TEST_DATABASE }),
  MIGRATE_ON_START: true,
};
const logger = createLogger("runtime-test", "silent");

let server: Server | undefined;
let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  [server, shutdown] = [undefined, undefined];
});

async function serve(runtime: ServiceRuntime, required: Record<string, () => Promise<void>> = {}) {
  const app = runtime.createApp({ required, optional: { flaky: async () => Promise.reject(new Error("down")) } });
  finishApp(app);
  server = createServer(app);
  const port = await listen(server, 0, "127.0.0.1");
  return `http://127.0.0.1:${port}`;
}

describe("ServiceRuntime", () => {
  it("is ready when Redis, MySQL and the service's own required checks answer; an optional failure only degrades", async () => {
    const logged: string[] = [];
    const runtime = await ServiceRuntime.start(
      config,
      createLogger("runtime-test", "warn", { write: (line: string) => void logged.push(line) }),
    );
    let consumerUp = true;
    const base = await serve(runtime, {
      consumer: async () => {
        if (!consumerUp) throw new Error("no group");
      },
    });
    shutdown = runtime.shutdownFor(server!, { steps: [] });

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

  it("on shutdown stops taking traffic, runs the service's steps while Redis and MySQL still work, then closes both, once", async () => {
    const runtime = await ServiceRuntime.start(config, logger);
    const base = await serve(runtime);
    const seen: string[] = [];
    shutdown = runtime.shutdownFor(server!, {
      onBegin: () => seen.push("begin"),
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
    });

    const first = shutdown();
    expect(shutdown()).toBe(first);
    await first;
    expect(seen).toEqual(["begin", "redis PONG", 'mysql [{"one":1}]']);
    expect(runtime.redis.status).toBe("end");
    await expect(runtime.pool.query("SELECT 1")).rejects.toThrow(/closed/i);
    await expect(fetch(`${base}/health/ready`)).rejects.toThrow();
  });
});
