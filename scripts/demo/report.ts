import type { Pool, RowDataPacket } from "mysql2/promise";
import type { Buyer } from "./buyers";
import type { BotRecord } from "./bots";
import type { SaleRecord } from "./flash-sale";
import { percentile } from "../lib/percentile";

export interface DemoReport {
  lines: string[];
  /** Every invariant held: no oversell, no duplicate, money conserved, paid + left = stock. */
  healthy: boolean;
}

const yesNo = (ok: boolean) => (ok ? "yes" : "NO");

export interface ReportInput {
  pool: Pool;
  couponId: string;
  stock: number;
  priceCents: number;
  stockLeftInRedis: number;
  buyers: readonly Buyer[];
  sale: SaleRecord;
  /** Hostile mode: the bot farm and what it got. */
  bots?: { accounts: number; record: BotRecord };
  orderStatus: (buyer: Buyer, orderId: string) => Promise<string>;
}

/** Reads the end state from MySQL, Redis and the buyers' sockets, and checks the invariants. */
export async function buildReport(input: ReportInput): Promise<DemoReport> {
  const { pool, couponId, buyers, sale } = input;
  const [outcomes] = await pool.query<RowDataPacket[]>(
    "SELECT outcome, COUNT(*) AS n FROM payment_settlements WHERE coupon_id = ? GROUP BY outcome",
    [couponId],
  );
  const countOf = (outcome: string) => Number(outcomes.find((row) => row.outcome === outcome)?.n ?? 0);
  const [purchaseRows] = await pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n, COUNT(DISTINCT user_id) AS users FROM purchases WHERE coupon_id = ?",
    [couponId],
  );
  const [couponRows] = await pool.query<RowDataPacket[]>("SELECT stock FROM coupons WHERE id = ?", [couponId]);
  const [creditRows] = await pool.query<RowDataPacket[]>("SELECT COALESCE(SUM(credit_cents), 0) AS total FROM users WHERE id IN (?)", [
    buyers.map((b) => b.userId),
  ]);

  const paid = countOf("paid");
  const refused = countOf("refused");
  const rolledBack = countOf("rolled_back");
  const purchases = Number(purchaseRows[0]?.n ?? 0);
  const duplicates = purchases - Number(purchaseRows[0]?.users ?? 0);
  const oversell = Math.max(0, paid - input.stock);
  const seeded = buyers.reduce((sum, b) => sum + b.creditCents, 0);
  const debited = seeded - Number(creditRows[0]?.total ?? 0);
  const moneyConserved = debited === paid * input.priceCents && purchases === paid;
  const balanced = paid + input.stockLeftInRedis === input.stock;

  const orders = buyers.flatMap((b) => b.orders.map((orderId) => ({ buyer: b, orderId })));
  let pushed = 0;
  let pushedAgreesWithGet = 0;
  for (const { buyer, orderId } of orders) {
    const viaSocket = buyer.socket.results.get(orderId);
    if (viaSocket === undefined) continue;
    pushed += 1;
    if (viaSocket === (await input.orderStatus(buyer, orderId))) pushedAgreesWithGet += 1;
  }
  const accepted = sale.answers["202"] ?? 0;
  const latencies = [...sale.latenciesMs].sort((a, b) => a - b);
  const answers = Object.entries(sale.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");

  const botsWon = input.bots?.record.won ?? 0;
  const botAnswers = Object.entries(input.bots?.record.answers ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
  const healthy =
    oversell === 0 && duplicates === 0 && moneyConserved && balanced && accepted === paid + refused + rolledBack && botsWon === 0;
  const lines = [
    "flash sale report",
    "-----------------",
    `buyers                 ${buyers.length} (${buyers.filter((b) => b.creditCents < input.priceCents).length} with too little credit), WebSockets on 2 gateways`,
    `stock / price          ${input.stock} units at ${(input.priceCents / 100).toFixed(2)}`,
    `attempts               ${sale.attempts} (${answers})`,
    `accepted (202)         ${accepted}`,
    `paid                   ${paid}`,
    `refused                ${refused} (units returned and put back on sale)`,
    `rolled back            ${rolledBack}`,
    `stock left             ${input.stockLeftInRedis} in Redis, ${String(couponRows[0]?.stock ?? "?")} of record in MySQL`,
    `paid + left = stock    ${yesNo(balanced)} (${paid} + ${input.stockLeftInRedis} = ${input.stock})`,
    `oversell               ${oversell}`,
    `duplicate purchases    ${duplicates}`,
    `money conserved        ${yesNo(moneyConserved)} (debited ${(debited / 100).toFixed(2)} = ${paid} × ${(input.priceCents / 100).toFixed(2)})`,
    `WebSocket results      ${pushed} received for ${paid + refused + rolledBack} paid+refused+rolled back (${pushedAgreesWithGet} agree with GET /api/orders/:id)`,
    `purchase latency       p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (through the gateway)`,
    `purchases/s            ${(sale.burstAttempts / sale.burstSeconds).toFixed(0)} in the opening burst (${sale.burstAttempts} in ${sale.burstSeconds.toFixed(2)} s); sale lasted ${sale.saleSeconds.toFixed(1)} s`,
    ...(input.bots
      ? [
          `bots                   ${input.bots.accounts} accounts without credit, ${input.bots.record.attempts} attempts (${botAnswers})`,
          `units won by bots      ${botsWon}; units paid by real buyers ${purchases}`,
        ]
      : []),
    `invariants             ${healthy ? "all hold" : "VIOLATED"}`,
  ];
  return { lines, healthy };
}
