import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import * as path from "node:path";
import { Redis } from "ioredis";
import { type Pool, createConnection, createPool } from "mysql2/promise";
import { ensureLocalServices } from "../scripts/demo/local-services";
import { type LocalPlatform, startLocalPlatform } from "../scripts/demo/local-platform";
import { type ServiceProcess, startNodeProcess, stopService, waitReady } from "../scripts/demo/processes";
import { internalToken } from "../apps/test-support/internal-identity";
import { type AccessTokenMinter, accessTokenMinter, insertBuyers, writeAccessTokens, writeInternalTokens } from "./e2e/buyers";
import { type PhaseResult, type WatchedProcess, measurePhase, medianOf } from "./e2e/phase";
import { pidsMatching, sampleProcess, withChildren } from "./e2e/proc-stats";
import { settlementLag, waitForSettlement } from "./e2e/settlement-lag";
import { type Target, cpuTable, deliveryLine, referenceLine, targetLines, throughputTable } from "./e2e/report";
import { measureDelivery } from "./e2e/ws-delivery";
import type { WrkRun } from "./e2e/wrk";
import { evalshaCeiling } from "./lib/evalsha-ceiling";
import { mysqlPurchaseBaseline } from "./lib/mysql-purchase-baseline";

/**
 * bench:e2e — the public purchase path as buyers hit it: gateway, coupon and
 * payment as separate processes (the relay publishing to the local Kafka), wrk
 * as the load generator in its own process, and every process's CPU per request
 * read from /proc. References in the same run: the framework ceiling (the
 * services' own app answering a route that does nothing), coupon called
 * directly, the raw EVALSHA ceiling and the MySQL row-lock purchase.
 */
const DATABASE = "coupon_bench_e2e";
// Shared with bench/purchase (benchmarks never run at the same time); each resets it first.
const REDIS_DB = 14;
const SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_E2E_CONNECTIONS ?? 64);
const THREADS = 2;
/** Distinct buyers each purchase-with-stock run may use: more than it can buy in SECONDS. */
const BUYERS_PER_RUN = Number(process.env.BENCH_E2E_BUYERS_PER_RUN ?? 80_000);
/** Buyers the sold-out and browse runs cycle through (each a signed-in user, tokens reused). */
const RETURNING_BUYERS = 20_000;
const WS_BUYERS = Number(process.env.BENCH_E2E_WS_BUYERS ?? 500);
const EVALSHA_ATTEMPTS = 50_000;
const MYSQL_ATTEMPTS = 10_000;
const FIRST_BUYER = 1_000_000;
const LIFTED_LIMIT = "1000000";
const KAFKA_BROKERS = "127.0.0.1:9092";
/** As deployed (infra/apps/env): the services run at info. */
const SERVICE_LOG_LEVEL = process.env.BENCH_E2E_LOG_LEVEL ?? "info";
/** Coupon processes behind its one port (node cluster, as pods behind the internal load balancer). */
const COUPON_PROCESSES = Number(process.env.BENCH_E2E_COUPON_PROCESSES ?? 1);
/** A folder: the gateway and coupon then run under `node --cpu-prof` and leave their profiles there at exit. */
const PROFILE_DIR = process.env.BENCH_E2E_PROFILE;
const JWT_ISSUER = "coupon-platform-gateway";
const JWT_AUDIENCE = "coupon-platform";

const log = (line: string) => console.error(`[bench:e2e] ${line}`);

async function resetState(): Promise<void> {
  const connection = await createConnection({ host: "127.0.0.1", user: "root", password: "" });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis(`redis://127.0.0.1:6379/${REDIS_DB}`);
  await redis.flushdb();
  redis.disconnect();
}

/** Hands out consecutive buyer ids; each block is used by one run only. */
class BuyerBlocks {
  private next = FIRST_BUYER;
  take(count: number): number {
    const first = this.next;
    this.next += count;
    return first;
  }
}

interface Bench {
  platform: LocalPlatform;
  gatewayPort: number;
  ceiling: ServiceProcess;
  workDir: string;
  watched: WatchedProcess[];
  /** Line n of the access-token file is buyer FIRST_BUYER + n - 1. */
  accessTokens: string;
  internalKey: { key: LocalPlatform["identityKeys"]["privateKey"]; kid: string };
  coupons: { hot: string; soldOut: string; delivery: string };
}

const lineOf = (buyerId: number) => buyerId - FIRST_BUYER + 1;

async function createCoupon(bench: Pick<Bench, "platform" | "internalKey">, name: string, stock: number): Promise<string> {
  const now = Date.now();
  const answer = await fetch(`http://127.0.0.1:${bench.platform.coupon.port}/coupons`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${internalToken({ sub: "1", role: "admin", gid: "bench", ...bench.internalKey })}`,
    },
    body: JSON.stringify({
      name,
      priceCents: 100,
      stock,
      saleStartsAt: new Date(now - 60_000).toISOString(),
      saleEndsAt: new Date(now + 6 * 3_600_000).toISOString(),
    }),
  });
  const body = (await answer.json()) as { id?: string };
  if (answer.status !== 201 || !body.id) throw new Error(`creating coupon ${name}: ${answer.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** wrk against the gateway with the buyers' access tokens. */
const viaGateway = (bench: Bench, method: WrkRun["method"], target: string, first: number, count: number): WrkRun => ({
  url: `http://127.0.0.1:${bench.gatewayPort}`,
  method,
  path: target,
  tokensFile: bench.accessTokens,
  first: lineOf(first),
  count,
  threads: THREADS,
  connections: CONNECTIONS,
  seconds: SECONDS,
});

/** wrk against coupon itself, with the identity tokens the gateway would have attached (minted just before). */
async function direct(bench: Bench, method: WrkRun["method"], target: string, first: number, count: number): Promise<WrkRun> {
  const file = path.join(bench.workDir, `internal-${first}.tokens`);
  await writeInternalTokens(file, first, count, { ...bench.internalKey, gatewayId: "gw-bench", lifetimeSeconds: 300 });
  return {
    url: `http://127.0.0.1:${bench.platform.coupon.port}`,
    method,
    path: target,
    tokensFile: file,
    first: 1,
    count,
    threads: THREADS,
    connections: CONNECTIONS,
    seconds: SECONDS,
  };
}

/** One round: each phase once, in the same order every round, so rounds can be compared. */
async function round(bench: Bench, blocks: BuyerBlocks, returning: number): Promise<PhaseResult[]> {
  const { hot, soldOut } = bench.coupons;
  const phase = (label: string, run: WrkRun) => measurePhase(label, run, bench.watched);
  const ceilingRun: WrkRun = {
    ...viaGateway(bench, "POST", "/noop", returning, RETURNING_BUYERS),
    url: `http://127.0.0.1:${bench.ceiling.port}`,
  };
  return [
    await phase("ceiling: createApp + no-op route", ceilingRun),
    await phase(
      "coupon direct: purchase, stock left",
      await direct(bench, "POST", `/coupons/${hot}/purchase`, blocks.take(BUYERS_PER_RUN), BUYERS_PER_RUN),
    ),
    await phase(
      "gateway: purchase, stock left",
      viaGateway(bench, "POST", `/api/coupons/${hot}/purchase`, blocks.take(BUYERS_PER_RUN), BUYERS_PER_RUN),
    ),
    await phase(
      "coupon direct: purchase, sold out",
      await direct(bench, "POST", `/coupons/${soldOut}/purchase`, returning, RETURNING_BUYERS),
    ),
    await phase("gateway: purchase, sold out", viaGateway(bench, "POST", `/api/coupons/${soldOut}/purchase`, returning, RETURNING_BUYERS)),
    await phase("coupon direct: browse GET /coupons", await direct(bench, "GET", "/coupons", returning, RETURNING_BUYERS)),
    await phase("gateway: browse GET /api/coupons", viaGateway(bench, "GET", "/api/coupons", returning, RETURNING_BUYERS)),
  ];
}

async function prepareBuyers(pool: Pool, workDir: string, mint: AccessTokenMinter): Promise<string> {
  // Every block any run takes: warm-up, the returning buyers, the WebSocket buyers, and two purchase runs a round.
  const total = BUYERS_PER_RUN + RETURNING_BUYERS + WS_BUYERS + ROUNDS * 2 * BUYERS_PER_RUN;
  log(`inserting ${total} buyers with credit and minting their access tokens…`);
  await insertBuyers(pool, FIRST_BUYER, total);
  const file = path.join(workDir, "access.tokens");
  await writeAccessTokens(file, FIRST_BUYER, total, mint);
  return file;
}

async function main(): Promise<void> {
  if (spawnSync("bash", ["-c", "command -v wrk"]).status !== 0)
    throw new Error("bench:e2e drives the load with wrk: install Debian's package first (apt-get install wrk)");
  log("checking local services (npm run services)…");
  await ensureLocalServices();
  await resetState();
  const runId = randomUUID().slice(0, 8);
  const workDir = mkdtempSync(path.join(tmpdir(), "coupon-platform-bench-e2e-"));
  const serviceEnv = { LOG_LEVEL: SERVICE_LOG_LEVEL };
  log(`starting the ceiling app, coupon, payment and a gateway (logs in ${workDir})…`);
  const ceiling = await startNodeProcess("ceiling", path.join(__dirname, "e2e", "ceiling-server.ts"), serviceEnv, workDir);
  let platform: LocalPlatform | undefined;
  const pool = createPool({ host: "127.0.0.1", user: "root", password: "", database: DATABASE, connectionLimit: 16 });
  try {
    platform = await startLocalPlatform({
      database: DATABASE,
      redisDb: REDIS_DB,
      runId,
      logDir: workDir,
      gatewayCount: 1,
      nodeOptions: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [],
      // Direct runs replay identity tokens minted just before them: accepted for up to 10 minutes here.
      couponEnv: { ...serviceEnv, INTERNAL_IDENTITY_MAX_AGE_SECONDS: "600", COUPON_PROCESSES: String(COUPON_PROCESSES) },
      couponEntry: COUPON_PROCESSES > 1 ? path.join(__dirname, "e2e", "coupon-cluster.ts") : undefined,
      paymentEnv: serviceEnv,
      // All buyers come from 127.0.0.1 and some buy or browse many times: the limits are lifted, but every limiter still runs.
      gatewayEnv: {
        ...serviceEnv,
        JWT_ISSUER,
        JWT_AUDIENCE,
        RATE_LIMIT_PURCHASE_POINTS: LIFTED_LIMIT,
        RATE_LIMIT_PURCHASE_IP_POINTS: LIFTED_LIMIT,
        RATE_LIMIT_READ_USER_POINTS: LIFTED_LIMIT,
        RATE_LIMIT_READ_IP_POINTS: LIFTED_LIMIT,
        RATE_LIMIT_WS_UPGRADE_IP_POINTS: LIFTED_LIMIT,
      },
    });
    await waitReady(ceiling);
    const gateway = platform.gateways[0];
    if (!gateway) throw new Error("no gateway started");
    const blocks = new BuyerBlocks();
    const mint = await accessTokenMinter({ jwtSecret: platform.jwtSecret, issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
    const accessTokens = await prepareBuyers(pool, workDir, mint);
    const internalKey = { key: platform.identityKeys.privateKey, kid: `local-${runId}` };
    const coupons = {
      hot: await createCoupon({ platform, internalKey }, "bench hot coupon", 10_000_000),
      soldOut: await createCoupon({ platform, internalKey }, "bench sold-out coupon", 1),
      delivery: await createCoupon({ platform, internalKey }, "bench delivery coupon", WS_BUYERS),
    };
    // The catalog a buyer browses: a page of coupons besides the three above.
    for (let i = 0; i < 17; i++) await createCoupon({ platform, internalKey }, `bench catalog coupon ${i}`, 1_000);
    const bench: Bench = {
      platform,
      gatewayPort: gateway.port,
      ceiling,
      workDir,
      accessTokens,
      internalKey,
      coupons,
      watched: [
        { name: "gateway", pids: [gateway.child.pid ?? 0] },
        { name: "coupon", pids: withChildren(platform.coupon.child.pid ?? 0) },
        { name: "payment", pids: [platform.payment.child.pid ?? 0] },
        { name: "ceiling", pids: [ceiling.child.pid ?? 0] },
        { name: "redis", pids: pidsMatching("redis-server") },
        { name: "mysql", pids: pidsMatching("mariadbd") },
        { name: "kafka", pids: pidsMatching("kafka.Kafka") },
      ],
    };
    const warmUp = blocks.take(BUYERS_PER_RUN);
    const halfBlock = BUYERS_PER_RUN / 2;
    const returning = blocks.take(RETURNING_BUYERS);
    const wsFirst = blocks.take(WS_BUYERS);
    // The sold-out coupon's one unit goes before the runs; its buyer is not one of the returning buyers.
    await fetch(`http://127.0.0.1:${gateway.port}/api/coupons/${coupons.soldOut}/purchase`, {
      method: "POST",
      headers: { authorization: `Bearer ${await mint(warmUp)}`, "content-type": "application/json" },
      body: "{}",
    });

    log("warm-up (JIT, connections, caches; not reported)…");
    const short = (run: WrkRun): WrkRun => ({ ...run, seconds: 3 });
    await measurePhase("warm-up", short(await direct(bench, "POST", `/coupons/${coupons.hot}/purchase`, warmUp, halfBlock)), []);
    await measurePhase(
      "warm-up",
      short(viaGateway(bench, "POST", `/api/coupons/${coupons.hot}/purchase`, warmUp + halfBlock, halfBlock)),
      [],
    );
    await measurePhase("warm-up", short(viaGateway(bench, "GET", "/api/coupons", returning, RETURNING_BUYERS)), []);

    const drain = await drainSettlements(platform);
    log(`payment settled the warm-up's ${drain.orders} orders: ${drain.cpuUsPerOrder.toFixed(0)} µs of CPU each`);
    log(`WebSocket delivery: ${WS_BUYERS} buyers with open sockets buy once each…`);
    const wsTokens = await Promise.all(Array.from({ length: WS_BUYERS }, (_, i) => mint(wsFirst + i)));
    const delivery = await measureDelivery({
      gatewayPort: gateway.port,
      couponId: coupons.delivery,
      tokens: wsTokens,
      concurrency: 16,
      timeoutMs: 60_000,
    });

    const rounds: PhaseResult[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Each round starts with payment idle, so rounds compare; within a round payment settles as it goes.
      await drainSettlements(platform);
      log(`round ${r + 1} of ${ROUNDS} (${SECONDS} s per run)…`);
      rounds.push(await round(bench, blocks, returning));
    }
    const phases = (rounds[0] ?? []).map((_, i) => medianOf(rounds.map((phasesOfRound) => phasesOfRound[i] as PhaseResult)));

    log("references: raw EVALSHA, MySQL row-lock purchase…");
    const redis = new Redis(`redis://127.0.0.1:6379/${REDIS_DB}`);
    const evalsha = await evalshaCeiling(redis, EVALSHA_ATTEMPTS, 64).finally(() => redis.disconnect());
    const mysql = await mysqlPurchaseBaseline(pool, MYSQL_ATTEMPTS, 16);

    printReport(phases, delivery, [evalsha, mysql], drain);
  } finally {
    const exits = (await platform?.stop()) ?? [];
    await stopService(ceiling);
    // The token files run to hundreds of MB; the services' logs stay for reading.
    for (const file of readdirSync(workDir)) if (file.endsWith(".tokens")) rmSync(path.join(workDir, file));
    if (exits.length > 0) log(`stopped: ${exits.join(" ")}`);
    if (PROFILE_DIR) log(`CPU profiles of gateway and coupon in ${PROFILE_DIR}: summarise with tsx bench/e2e/profile-summary.ts <file>`);
    await pool.end();
  }
}

/**
 * Waits until payment has settled every order published so far, so the next
 * run starts from an idle payment, and returns what that cost payment per order.
 */
async function drainSettlements(platform: LocalPlatform): Promise<{ orders: number; cpuUsPerOrder: number }> {
  const paymentPid = platform.payment.child.pid ?? 0;
  const lagBefore = await settlementLag(KAFKA_BROKERS, platform.ordersTopic, platform.paymentGroup);
  const cpuBefore = sampleProcess(paymentPid).cpuSeconds;
  const lagAfter = await waitForSettlement(KAFKA_BROKERS, platform.ordersTopic, platform.paymentGroup, 300_000);
  if (lagAfter > 0) throw new Error(`payment still had ${lagAfter} orders to settle after 5 minutes`);
  const cpu = sampleProcess(paymentPid).cpuSeconds - cpuBefore;
  return { orders: lagBefore, cpuUsPerOrder: lagBefore > 0 ? (cpu * 1e6) / lagBefore : 0 };
}

function printReport(
  phases: PhaseResult[],
  delivery: Awaited<ReturnType<typeof measureDelivery>>,
  references: Parameters<typeof referenceLine>[0][],
  drain: Awaited<ReturnType<typeof drainSettlements>>,
): void {
  const byLabel = (prefix: string) => {
    const found = phases.find((p) => p.label.startsWith(prefix));
    if (!found) throw new Error(`no phase ${prefix}`);
    return found;
  };
  const ceiling = byLabel("ceiling");
  const directBuy = byLabel("coupon direct: purchase, stock");
  const directSoldOut = byLabel("coupon direct: purchase, sold out");
  const gatewayBuy = byLabel("gateway: purchase, stock");
  const cpu = (p: PhaseResult, name: string) => p.processes[name]?.cpuUsPerRequest ?? Number.NaN;
  const targets: Target[] = [
    { name: "coupon CPU per purchase (direct)", measured: cpu(directBuy, "coupon"), limit: 150, kind: "max", unit: "µs" },
    { name: "gateway CPU per proxied purchase", measured: cpu(gatewayBuy, "gateway"), limit: 150, kind: "max", unit: "µs" },
    {
      name: "public path vs coupon direct (purchase)",
      measured: (100 * gatewayBuy.perSecond) / directBuy.perSecond,
      limit: 60,
      kind: "min",
      unit: "%",
    },
    {
      name: "coupon direct purchase vs ceiling",
      measured: (100 * directBuy.perSecond) / ceiling.perSecond,
      limit: 70,
      kind: "min",
      unit: "%",
    },
    {
      name: "coupon direct sold-out vs ceiling",
      measured: (100 * directSoldOut.perSecond) / ceiling.perSecond,
      limit: 90,
      kind: "min",
      unit: "%",
    },
    { name: "p99 through the gateway (purchase)", measured: gatewayBuy.p99Ms, limit: 30, kind: "max", unit: "ms" },
  ];
  const cpuModel = cpus()[0]?.model ?? "unknown";
  console.log(`machine: ${cpus().length} cores (${cpuModel}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, loopback`);
  console.log(
    `load: wrk ${THREADS} threads, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds (medians); ` +
      `${COUPON_PROCESSES} coupon process(es); services log at ${SERVICE_LOG_LEVEL}; gateway rate limits lifted to ${LIFTED_LIMIT} per window (the limiters still run)`,
  );
  console.log(`\n${throughputTable(phases)}\n`);
  console.log(`${cpuTable(phases, ["gateway", "coupon", "payment", "ceiling", "redis", "mysql", "kafka", "wrk"])}\n`);
  console.log(deliveryLine(delivery));
  console.log(
    `payment settling a backlog alone (the warm-up's ${drain.orders} orders): ${drain.cpuUsPerOrder.toFixed(0)} µs of CPU per order`,
  );
  for (const r of references) console.log(`reference — ${referenceLine(r)}`);
  console.log(
    `\ntargets:\n${targetLines(targets)
      .map((l) => `  ${l}`)
      .join("\n")}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
