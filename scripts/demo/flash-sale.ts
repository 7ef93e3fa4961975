import { performance } from "node:perf_hooks";
import type { Buyer } from "./buyers";
import { call } from "./gateway-client";

export interface SaleRecord {
  attempts: number;
  answers: Record<string, number>;
  latenciesMs: number[];
  saleSeconds: number;
  /** The opening burst, every buyer at once: what purchases/s is measured on. */
  burstAttempts: number;
  burstSeconds: number;
}

export interface SaleDeps {
  couponId: string;
  gatewayPorts: readonly number[];
  /** Order statuses as coupon's GET /api/orders/:id tells them. */
  orderStatus: (buyer: Buyer, orderId: string) => Promise<string>;
  unitsLeft: () => Promise<number>;
  deadline: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The flash sale: every buyer fires at once, half of them through the replica that
 * does not hold their socket. Units returned by refused payments go back on sale,
 * so buyers who were told "sold out" retry in rounds until no unit is left or the
 * deadline passes; a buyer who got an order (paid or refused) stops trying.
 */
export async function runFlashSale(buyers: Buyer[], deps: SaleDeps): Promise<SaleRecord> {
  const record: SaleRecord = { attempts: 0, answers: {}, latenciesMs: [], saleSeconds: 0, burstAttempts: 0, burstSeconds: 0 };
  const started = performance.now();
  const attempt = async (buyer: Buyer) => {
    const port = deps.gatewayPorts[(buyer.index + (buyer.index % 2)) % deps.gatewayPorts.length] as number;
    const response = await call(port, `/api/coupons/${deps.couponId}/purchase`, { method: "POST", token: buyer.token });
    record.attempts += 1;
    record.latenciesMs.push(response.ms);
    record.answers[response.status] = (record.answers[response.status] ?? 0) + 1;
    if (response.status === 202) buyer.orders.push(String(response.body.orderId));
  };

  await Promise.all(buyers.map(attempt));
  record.burstAttempts = record.attempts;
  record.burstSeconds = (performance.now() - started) / 1000;
  while (performance.now() < deps.deadline) {
    // Buyers told "sold out" try again; a buyer whose order was refused for credit does not.
    const waiting = buyers.filter((b) => b.orders.length === 0);
    if (waiting.length > 0 && (await deps.unitsLeft()) > 0) {
      await Promise.all(waiting.map(attempt));
      await sleep(100);
      continue;
    }
    // Nothing to buy right now. A refusal settling meanwhile puts a unit back, so the
    // units are read again after every order is decided: from then on none can return.
    if ((await allDecided(buyers, deps)) && (waiting.length === 0 || (await deps.unitsLeft()) === 0)) break;
    await sleep(100);
  }
  record.saleSeconds = (performance.now() - started) / 1000;
  return record;
}

export async function allDecided(buyers: Buyer[], deps: Pick<SaleDeps, "orderStatus">): Promise<boolean> {
  for (const buyer of buyers) for (const orderId of buyer.orders) if ((await deps.orderStatus(buyer, orderId)) === "pending") return false;
  return true;
}
