import { expect } from "vitest";
import type { Coupon } from "../../src/catalog/coupon";
import { asAdmin, httpRequest } from "./http-client";

export interface SaleOptions {
  stock: number;
  priceCents?: number;
  /** Offsets from now, in ms; the default sale is open for an hour. */
  startsInMs?: number;
  endsInMs?: number;
  name?: string;
}

/** Creates a coupon through the admin API, as an operator would. */
export async function createSale(port: number, options: SaleOptions): Promise<Coupon> {
  const now = Date.now();
  const response = await httpRequest(port, "/coupons", {
    method: "POST",
    headers: asAdmin(),
    body: {
      name: options.name ?? "Flash sale coupon",
      description: "integration test coupon",
      priceCents: options.priceCents ?? 1_999,
      stock: options.stock,
      saleStartsAt: new Date(now + (options.startsInMs ?? -60_000)).toISOString(),
      saleEndsAt: new Date(now + (options.endsInMs ?? 3_600_000)).toISOString(),
    },
  });
  expect(response.status, response.text).toBe(201);
  return response.json<Coupon>();
}
