import { spawn, type ChildProcess } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import { createMysqlPool } from "../apps/lib/clients/mysql";
import { mysqlEnv } from "../apps/lib/config/common-env";
import { startKafka, stopKafka } from "../scripts/lib/kafka-process";
import { TEST_INTERNAL_IDENTITY, internalToken } from "../apps/test-support/internal-identity";
import { TEST_REDIS_PASSWORDS, serviceRedisUrl } from "../apps/test-support/test-env";
import { migrateAsMigrationJob, serviceMysqlEnv } from "../apps/test-support/test-database";
import { ensureLocalRedisUsers } from "../scripts/lib/local-redis-users";
import { evalshaCeiling } from "./lib/evalsha-ceiling";
import { fundBuyers as fundRedisBuyers } from "../apps/test-support/spendable-credit";
import { createPoster } from "./lib/http-post";
import { formatTable, runLoad, type LoadResult } from "./lib/load-runner";
import { mysqlPurchaseBaseline } from "./lib/mysql-purchase-baseline";

/**
 * bench/purchase: purchase attempts through the HTTP service for one hot coupon,
 * next to two references measured in the same run on the same machine:
 * the raw EVALSHA ceiling of the same Lua script, and a MySQL-only purchase.
 * Loopback only; every loop is bounded by a count.
 */

const DATABASE = "coupon_bench";
const REDIS_URL = "redis://127.0.0.1:6379/14";
const PORT = 18_181;
const HTTP_ATTEMPTS = Number(process.env.BENCH_HTTP_ATTEMPTS ?? 20_000);
const HTTP_CONCURRENCY = 64;
const EVALSHA_ATTEMPTS = Number(process.env.BENCH_EVALSHA_ATTEMPTS ?? 50_000);
const EVALSHA_CONCURRENCY = 64;
const MYSQL_ATTEMPTS = Number(process.env.BENCH_MYSQL_ATTEMPTS ?? 10_000);
const MYSQL_CONCURRENCY = 16;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (line: string) => console.error(`[bench] ${line}`);

async function resetState(): Promise<void> {
  const connection = await createConnection({ host: "127.0.0.1", user: "root", password: "" });
  await connection.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await connection.end();
  await migrateAsMigrationJob(DATABASE);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await ensureLocalRedisUsers("redis://127.0.0.1:6379", TEST_REDIS_PASSWORDS);
  redis.disconnect();
}

function startService(): ChildProcess {
  const tsx = join(__dirname, "..", "node_modules", ".bin", "tsx");
  return spawn(tsx, [join(__dirname, "..", "apps", "coupon", "src", "main.ts")], {
    env: {
      ...process.env,
      PORT: String(PORT),
      METRICS_PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      // As its own ACL user, as on a stack: the ACL checks are part of what is measured.
      REDIS_URL: serviceRedisUrl("coupon", 14),
      MYSQL_DATABASE: DATABASE,
      KAFKA_ORDERS_TOPIC: "coupon.orders.bench",
      KAFKA_TOPIC_PARTITIONS: "3",
      ...TEST_INTERNAL_IDENTITY.service,
      ...serviceMysqlEnv("coupon"),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function waitReady(poster: ReturnType<typeof createPoster>): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const ok = await poster.get("/health/ready").then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error("coupon service did not become ready");
}

async function httpRuns(): Promise<LoadResult[]> {
  const service = startService();
  const poster = createPoster(PORT, HTTP_CONCURRENCY);
  try {
    await waitReady(poster);
    const now = Date.now();
    const created = await poster.post(
      "/coupons",
      { authorization: `Bearer ${internalToken({ sub: "1", role: "admin", gid: "bench" })}` },
      JSON.stringify({
        name: "hot",
        priceCents: 100,
        stock: HTTP_ATTEMPTS,
        saleStartsAt: new Date(now - 60_000).toISOString(),
        saleEndsAt: new Date(now + 3_600_000).toISOString(),
      }),
    );
    const couponId = (JSON.parse(created.body) as { id: string }).id;
    // Each buyer's signed identity, as the gateway would attach it, is minted before the timed
    // loop: the service's verification is measured, the load generator's signing is not.
    const attempt = (userOffset: number, count: number) => {
      fundings.push(fundBuyers(userOffset, count));
      const identities = Array.from({ length: count }, (_, i) => ({
        authorization: `Bearer ${internalToken({ sub: String(userOffset + i), gid: "gw-bench" })}`,
      }));
      return async (i: number) => String((await poster.post(`/coupons/${couponId}/purchase`, identities[i] ?? {})).status);
    };
    // Every buyer can pay: their spendable credit is in Redis before the timed loops.
    const fundings: Promise<void>[] = [];
    const warmUp = attempt(90_000_000, 2_000);
    const remaining = HTTP_ATTEMPTS - 2_000;
    const buyers = attempt(1_000_000, remaining);
    const lateBuyers = attempt(50_000_000, HTTP_ATTEMPTS);
    await Promise.all(fundings);
    // Warm-up (JIT, connections, script cache) on a few units; not reported.
    await runLoad("warm-up", 2_000, HTTP_CONCURRENCY, warmUp);
    const buying = await runLoad("HTTP purchase, stock left (Lua + outbox)", remaining, HTTP_CONCURRENCY, buyers);
    const soldOut = await runLoad("HTTP purchase, sold out (memory flag)", HTTP_ATTEMPTS, HTTP_CONCURRENCY, lateBuyers);
    return [buying, soldOut];
  } finally {
    poster.close();
    service.kill("SIGTERM");
    await new Promise((resolve) => service.once("exit", resolve));
  }
}

async function fundBuyers(firstUserId: number, count: number): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await fundRedisBuyers(
      redis,
      Array.from({ length: count }, (_, i) => firstUserId + i),
    );
  } finally {
    redis.disconnect();
  }
}

async function evalshaRun(): Promise<LoadResult> {
  const redis = new Redis(REDIS_URL);
  try {
    return await evalshaCeiling(redis, EVALSHA_ATTEMPTS, EVALSHA_CONCURRENCY);
  } finally {
    redis.disconnect();
  }
}

async function mysqlBaseline(): Promise<LoadResult> {
  const pool = createMysqlPool(mysqlEnv.parse({ MYSQL_DATABASE: DATABASE, MYSQL_POOL_SIZE: String(MYSQL_CONCURRENCY) }));
  try {
    return await mysqlPurchaseBaseline(pool, MYSQL_ATTEMPTS, MYSQL_CONCURRENCY);
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  // The relay needs a broker; one this run started is stopped again at the end.
  const kafka = await startKafka(log);
  await resetState();
  log("HTTP runs ...");
  const http = await httpRuns().finally(async () => {
    if (kafka === "started") await stopKafka(log);
  });
  log("raw EVALSHA run ...");
  const evalsha = await evalshaRun();
  log("MySQL baseline run ...");
  const mysql = await mysqlBaseline();
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, loopback`,
  );
  console.log(
    `concurrency: HTTP ${HTTP_CONCURRENCY} keep-alive connections, EVALSHA ${EVALSHA_CONCURRENCY} in flight on one connection, MySQL ${MYSQL_CONCURRENCY} connections`,
  );
  console.log(formatTable([...http, evalsha, mysql]));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
