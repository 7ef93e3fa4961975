import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { createConnection, createPool } from "mysql2/promise";
import { couponKeys } from "../apps/lib/flash-sale/keys";
import { prepareAdmin, prepareBuyers, type Buyer } from "./demo/buyers";
import { prepareBots, runBots } from "./demo/bots";
import { allDecided, runFlashSale } from "./demo/flash-sale";
import { parseFlags } from "./demo/flags";
import { call, inBatches } from "./demo/gateway-client";
import { ensureLocalServices } from "./demo/local-services";
import { type LocalPlatform, startLocalPlatform } from "./demo/local-platform";
import { buildReport } from "./demo/report";

/**
 * `npm run demo`: the whole platform on this machine. Coupon, payment and two
 * gateway replicas run as separate processes against the local Redis, MariaDB and
 * Kafka; buyers register, open WebSockets and buy through the gateways; the report
 * checks the sale's invariants from the databases. Everything stays on loopback,
 * in a database, a Redis logical database and Kafka topics of the demo's own.
 */
const DEMO_DATABASE = "coupon_platform_demo";
const DEMO_REDIS_DB = 9;
const DEMO_REDIS_URL = `redis://127.0.0.1:6379/${DEMO_REDIS_DB}`;
const SETTLE_TIMEOUT_MS = 60_000;

const log = (line: string) => console.log(`[demo] ${line}`);

async function resetDemoState(): Promise<void> {
  const connection = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${DEMO_DATABASE}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis(DEMO_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const runId = randomUUID().slice(0, 8);
  log("checking local services (npm run services)…");
  await ensureLocalServices();
  await resetDemoState();

  const logDir = mkdtempSync(path.join(os.tmpdir(), "coupon-platform-demo-"));
  const redis = new Redis(DEMO_REDIS_URL);
  const pool = createPool({
    host: "127.0.0.1",
    port: 3306,
    user: "root",
    password: "",
    database: DEMO_DATABASE,
    connectionLimit: 8,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const buyers: Buyer[] = [];
  let platform: LocalPlatform | undefined;
  try {
    log(`starting coupon, payment and two gateways (logs in ${logDir})…`);
    platform = await startLocalPlatform({
      database: DEMO_DATABASE,
      redisDb: DEMO_REDIS_DB,
      runId,
      logDir,
      gatewayCount: 2,
      couponEnv: { SOLD_OUT_FLAG_TTL_MS: "200" },
      // Every demo buyer signs up and opens its socket from 127.0.0.1: the per-IP limits are lifted for the run.
      gatewayEnv: {
        RATE_LIMIT_AUTH_POINTS: "1000000",
        RATE_LIMIT_WS_UPGRADE_IP_POINTS: "1000000",
        RATE_LIMIT_REGISTER_IP_POINTS: "1000000",
        RATE_LIMIT_PURCHASE_IP_POINTS: "1000000",
      },
    });
    const gatewayPorts = platform.gateways.map((g) => g.port);
    log(`ready: coupon :${platform.coupon.port}, payment :${platform.payment.port}, gateways :${gatewayPorts.join(" and :")}`);

    const adminToken = await prepareAdmin(gatewayPorts[0] as number, pool, runId);
    const now = Date.now();
    const created = await call(gatewayPorts[0] as number, "/api/coupons", {
      method: "POST",
      token: adminToken,
      body: {
        name: "Demo flash sale",
        priceCents: flags.priceCents,
        stock: flags.stock,
        saleStartsAt: new Date(now - 60_000).toISOString(),
        saleEndsAt: new Date(now + 3_600_000).toISOString(),
      },
    });
    if (created.status !== 201) throw new Error(`creating the coupon failed: ${created.status} ${JSON.stringify(created.body)}`);
    const couponId = String(created.body.id);
    log(`coupon ${couponId}: ${flags.stock} units; registering ${flags.buyers} buyers and opening their WebSockets…`);
    buyers.push(...(await prepareBuyers(flags, gatewayPorts, pool, runId)));

    // As buyers do before a sale opens: each looks at the coupon's page (which also readies their credit for the sale).
    log("buyers open the coupon's page while they wait for the sale…");
    await inBatches(buyers, 32, (buyer) => call(buyer.socketPort, `/api/coupons/${couponId}`, { token: buyer.token }));

    const orderStatus = async (buyer: Buyer, orderId: string) =>
      String((await call(buyer.socketPort, `/api/orders/${orderId}`, { token: buyer.token })).body.status);
    const unitsLeft = async () => Number(await redis.get(couponKeys(couponId).stock));
    const bots = flags.bots > 0 ? await prepareBots(flags.bots, gatewayPorts, runId) : [];
    if (bots.length > 0) log(`hostile mode: ${bots.length} bot accounts without credit buy beside the buyers…`);
    log(`flash sale: ${flags.buyers} buyers at once, retries for up to ${flags.durationSeconds} s…`);
    let saleOver = false;
    const botRun = runBots(bots, couponId, gatewayPorts, () => saleOver);
    const sale = await runFlashSale(buyers, {
      couponId,
      gatewayPorts,
      orderStatus,
      unitsLeft,
      deadline: performance.now() + flags.durationSeconds * 1000,
    }).finally(() => (saleOver = true));
    const botRecord = await botRun;

    log("waiting for settlement and the last WebSocket pushes…");
    const settleDeadline = performance.now() + SETTLE_TIMEOUT_MS;
    while (!(await allDecided(buyers, { orderStatus })) && performance.now() < settleDeadline) await new Promise((r) => setTimeout(r, 200));
    const pushedAll = () => buyers.every((b) => b.orders.every((orderId) => b.socket.results.has(orderId)));
    for (let i = 0; i < 50 && !pushedAll(); i++) await new Promise((r) => setTimeout(r, 100));

    const report = await buildReport({
      pool,
      couponId,
      stock: flags.stock,
      priceCents: flags.priceCents,
      stockLeftInRedis: await unitsLeft(),
      buyers,
      sale,
      bots: bots.length > 0 ? { accounts: bots.length, record: botRecord } : undefined,
      orderStatus,
    });
    console.log(`\n${report.lines.join("\n")}\n`);
    return report.healthy ? 0 : 1;
  } finally {
    await inBatches(buyers, 64, async (b) => b.socket.socket.close());
    // Gateways first (they hold the sockets and call coupon), payment, then coupon: each drains on SIGTERM.
    const exits = (await platform?.stop()) ?? [];
    if (exits.length > 0) log(`stopped with SIGTERM, exit codes: ${exits.join(" ")}`);
    redis.disconnect();
    await pool.end();
    if (!flags.keepData) await resetDemoState().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
