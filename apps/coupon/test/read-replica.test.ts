import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/port-probe";
import type { Coupon, CouponPage } from "../src/catalog/coupon";
import type { CouponService } from "../src/service";
import { uniqueTopic } from "../../test-support/test-env";
import { createSale } from "./support/coupons";
import { httpRequest, signedIn } from "./support/http-client";
import { startTestService } from "./support/test-service";

async function reads(service: CouponService): Promise<Record<string, number>> {
  const metric = await service.metrics.catalogDbReads.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.target), v.value]));
}

describe("catalog reads and the database's read replica", () => {
  const topic = uniqueTopic("replica");
  let deadReplica: CouponService;
  let liveReplica: CouponService;

  beforeAll(async () => {
    // Caches off: every catalog request reaches MySQL, so each shows where it went.
    const noCache = { KAFKA_ORDERS_TOPIC: topic, CATALOG_LOCAL_TTL_MS: "0", CATALOG_REDIS_TTL_SECONDS: "1" };
    deadReplica = await startTestService({
      ...noCache,
      MYSQL_READER_HOST: "127.0.0.1",
      MYSQL_READER_PORT: String(await freePort()),
      MYSQL_READER_RETRY_MS: "60000",
    });
    liveReplica = await startTestService({
      ...noCache,
      MIGRATE_ON_START: "false",
      MYSQL_READER_HOST: "127.0.0.1",
      CATALOG_WRITER_WINDOW_MS: "2000",
    });
  });

  afterAll(async () => {
    await deadReplica?.shutdown();
    await liveReplica?.shutdown();
  });

  it("serves the catalog from the writer when the replica is down, trying the replica once per retry period", async () => {
    const created = await createSale(deadReplica.port, { stock: 3, name: "Replica down" });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the Redis TTL and the writer window
    const page = await httpRequest(deadReplica.port, "/coupons?page=1&size=5", signedIn());
    expect(page.status).toBe(200);
    expect(page.json<CouponPage>().items.map((c) => c.id)).toContain(created.id);
    const one = await httpRequest(deadReplica.port, `/coupons/${created.id}`, signedIn());
    expect(one.status).toBe(200);
    expect(one.json<Coupon>().name).toBe("Replica down");
    expect((await reads(deadReplica)).reader ?? 0).toBe(0);
    expect((await reads(deadReplica)).writer).toBeGreaterThanOrEqual(2);
    expect((await deadReplica.metrics.catalogReaderDown.get()).values[0]?.value).toBe(1);
  });

  it("reads from the replica when it answers, and from the writer while the catalog has just changed", async () => {
    const created = await createSale(liveReplica.port, { stock: 3, name: "Fresh coupon" });
    // Right after the change: the page comes from the writer (a lagging replica would miss the coupon).
    const before = await reads(liveReplica);
    expect((await httpRequest(liveReplica.port, "/coupons?page=1&size=5", signedIn())).json<CouponPage>().items[0]?.id).toBe(created.id);
    expect((await reads(liveReplica)).writer ?? 0).toBe((before.writer ?? 0) + 1);
    // Once the window has passed (and the cached page expired), the replica serves it.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const after = await reads(liveReplica);
    expect((await httpRequest(liveReplica.port, "/coupons?page=1&size=5", signedIn())).status).toBe(200);
    expect((await reads(liveReplica)).reader ?? 0).toBe((after.reader ?? 0) + 1);
  });
});
