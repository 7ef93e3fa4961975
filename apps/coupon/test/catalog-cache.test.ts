import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CouponPage } from "../src/catalog/coupon";
import { catalogKeys, spendableCreditKey } from "../../lib/flash-sale/keys";
import type { CouponService } from "../src/service";
import { TEST_DATABASE, TEST_REDIS_DB, uniqueTopic } from "../../test-support/test-env";
import { createSale } from "./support/coupons";
import { asUser, httpRequest, signedIn } from "./support/http-client";
import { startTestService } from "./support/test-service";
import { redisInspector } from "../../test-support/redis-inspector";

const inspect = redisInspector(TEST_REDIS_DB);

async function dbQueries(services: CouponService[], query: string): Promise<number> {
  let total = 0;
  for (const service of services) {
    const metric = await service.metrics.catalogDbQueries.get();
    total += metric.values.filter((v) => v.labels.query === query).reduce((sum, v) => sum + v.value, 0);
  }
  return total;
}

describe("catalog browsing through the two cache levels", () => {
  const topic = uniqueTopic("catalog");
  // Two instances share Redis and MySQL like two pods: each has its own LRU and single flight.
  let first: CouponService;
  let second: CouponService;

  beforeAll(async () => {
    // A generous wait: every reader should get the rebuilt page, none a 503.
    first = await startTestService({ KAFKA_ORDERS_TOPIC: topic, CATALOG_WAIT_MS: "15000" });
    second = await startTestService({ KAFKA_ORDERS_TOPIC: topic, CATALOG_WAIT_MS: "15000", MIGRATE_ON_START: "false" });
    for (let i = 0; i < 12; i++) await createSale(first.port, { stock: 10, name: `Catalog coupon ${i}` });
  });

  afterAll(async () => {
    await first?.shutdown();
    await second?.shutdown();
  });

  it("serves 200 concurrent readers of a cold page with a single MySQL query", async () => {
    const before = await dbQueries([first, second], "list_page");
    const readers = Array.from({ length: 200 }, (_, i) =>
      httpRequest((i % 2 === 0 ? first : second).port, "/coupons?page=1&size=10", signedIn()),
    );
    const responses = await Promise.all(readers);

    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    const bodies = new Set(responses.map((r) => r.text));
    expect(bodies.size).toBe(1);
    const page = responses[0]?.json<CouponPage>();
    expect(page?.items).toHaveLength(10);
    expect(page?.hasMore).toBe(true);
    expect((await dbQueries([first, second], "list_page")) - before).toBe(1);

    // Warm now: more readers cost MySQL nothing.
    await Promise.all(Array.from({ length: 50 }, () => httpRequest(second.port, "/coupons?page=1&size=10", signedIn())));
    expect((await dbQueries([first, second], "list_page")) - before).toBe(1);
  });

  it("shows a newly created coupon on the first page at once on the instance that created it", async () => {
    const created = await createSale(first.port, { stock: 5, name: "Brand new coupon" });
    const page = (await httpRequest(first.port, "/coupons?page=1&size=10", signedIn())).json<CouponPage>();
    expect(page.items[0]?.id).toBe(created.id);
  });

  it("fills a viewer's spendable credit from MySQL when they look at a coupon on sale, ahead of the sale's peak", async () => {
    const coupon = await createSale(first.port, { stock: 3, name: "Viewed coupon" });
    const viewer = 7_770_001;
    const root = await createConnection({ host: "127.0.0.1", user: "root", password: "", database: TEST_DATABASE });
    try {
      await root.query("INSERT INTO users (id, credit_cents) VALUES (?, 4321) ON DUPLICATE KEY UPDATE credit_cents = 4321", [viewer]);
    } finally {
      await root.end();
    }
    const key = spendableCreditKey(String(viewer));
    await inspect.del(key);

    expect((await httpRequest(first.port, `/coupons/${coupon.id}`, { headers: asUser(viewer) })).status).toBe(200);
    // Filled after the answer, in the background: the page does not wait for MySQL.
    await vi.waitFor(async () => expect(await inspect.get(key)).toBe("4321"));

    // Already there: a later view changes nothing, even if the record moved meanwhile (pending orders live in Redis).
    await inspect.set(key, "1000");
    expect((await httpRequest(second.port, `/coupons/${coupon.id}`, { headers: asUser(viewer) })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await inspect.get(key)).toBe("1000");
  });

  it("serves one coupon through the cache, and caches unknown ids too", async () => {
    const coupon = await createSale(first.port, { stock: 3, name: "Detail coupon", priceCents: 777 });
    const before = await dbQueries([first, second], "find_by_id");
    const reads = await Promise.all(
      Array.from({ length: 40 }, (_, i) => httpRequest((i % 2 ? first : second).port, `/coupons/${coupon.id}`, signedIn())),
    );
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect(reads[0]?.json()).toEqual(coupon);

    const missing = await Promise.all(Array.from({ length: 20 }, () => httpRequest(first.port, "/coupons/987654321", signedIn())));
    expect(missing.every((r) => r.status === 404)).toBe(true);
    expect(missing[0]?.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    expect((await dbQueries([first, second], "find_by_id")) - before).toBe(2);

    // A miss is remembered only briefly (CATALOG_MISS_TTL_SECONDS, 5 by default), a found coupon for the full TTL.
    const missTtl = await inspect.ttl(catalogKeys.coupon("987654321"));
    expect(missTtl).toBeGreaterThan(0);
    expect(missTtl).toBeLessThanOrEqual(5);
    expect(await inspect.ttl(catalogKeys.coupon(coupon.id))).toBeGreaterThan(5);
  });

  it("refuses pages deeper than CATALOG_MAX_PAGE before asking Redis or MySQL", async () => {
    const before = await dbQueries([first, second], "list_page");
    const deep = await httpRequest(first.port, "/coupons?page=101", signedIn());
    expect(deep.status).toBe(400);
    expect(deep.json()).toMatchObject({ error: { code: "invalid_query", message: expect.stringContaining("from 1 to 100") } });
    expect(await inspect.exists(catalogKeys.page((await inspect.get(catalogKeys.version)) ?? "0", 101, 20))).toBe(0);
    expect((await httpRequest(first.port, "/coupons?page=100", signedIn())).status).toBe(200);
    expect((await dbQueries([first, second], "list_page")) - before).toBe(1);
  });

  it("answers 503 with Retry-After when another process holds the rebuild lock too long", async () => {
    const impatient = await startTestService({
      KAFKA_ORDERS_TOPIC: topic,
      CATALOG_WAIT_MS: "100",
      MIGRATE_ON_START: "false",
      OUTBOX_RELAY_ENABLED: "false",
    });
    try {
      // Play the other process: hold the lock for this page and never fill it.
      const version = (await inspect.get(catalogKeys.version)) ?? "0";
      const pageKey = catalogKeys.page(version, 2, 7);
      await inspect.set(catalogKeys.lock(pageKey), "held-by-another-process", "PX", 30_000);
      const before = await dbQueries([impatient], "list_page");

      const response = await httpRequest(impatient.port, "/coupons?page=2&size=7", signedIn());
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("1");
      expect(response.json()).toEqual({ error: { code: "catalog_busy", message: expect.any(String) } });
      expect(await dbQueries([impatient], "list_page")).toBe(before);

      await inspect.del(catalogKeys.lock(pageKey));
      expect((await httpRequest(impatient.port, "/coupons?page=2&size=7", signedIn())).status).toBe(200);
    } finally {
      await impatient.shutdown();
    }
  });
});
