import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_ACLS, type RedisService, accessString } from "../flash-sale/redis-acl";
import { TEST_REDIS_DB, TEST_REDIS_URL, serviceRedisUrl } from "../../test-support/test-env";

/**
 * Each service's Redis user (created by the global setup from apps/lib/flash-sale/redis-acl.ts)
 * attacked on the real Redis: what a compromised service would try first is refused
 * with NOPERM, and what the service needs still works. The services' own integration
 * tests all run as these users, which shows the rules are enough.
 */
const couponId = "4242";
const sale = {
  stock: `coupon:{${couponId}}:stock`,
  sale: `coupon:{${couponId}}:sale`,
  orders: `coupon:{${couponId}}:orders`,
  buyers: `coupon:{${couponId}}:buyers`,
  orderStatus: `coupon:{${couponId}}:order-status`,
};

type Attempt = (redis: Redis) => Promise<unknown>;
const refused = (name: string, attempt: Attempt) => ({ name, attempt, allowed: false });
const allowed = (name: string, attempt: Attempt) => ({ name, attempt, allowed: true });

const cases: Record<RedisService, { name: string; attempt: Attempt; allowed: boolean }[]> = {
  gateway: [
    refused("set a coupon's stock", (r) => r.set(sale.stock, "1000000")),
    refused("rewrite a coupon's price", (r) => r.hset(sale.sale, "priceCents", "0")),
    refused("publish a fake paid result", (r) => r.publish("payment_update:gw-1", '{"status":"paid"}')),
    refused("reach a sale key from a Lua script", (r) => r.eval("return redis.call('SET', KEYS[1], '1')", 1, sale.stock)),
    refused("list every key", (r) => r.keys("*")),
    refused("flush the database", (r) => r.flushdb()),
    refused("change the ACL", (r) => r.call("ACL", "SETUSER", "coupon-platform-gateway", "+@all")),
    refused("read the server config", (r) => r.call("CONFIG", "GET", "*")),
    allowed("count a rate limit", (r) => r.incrby("rate-limit:auth-ip:127.0.0.1", 1)),
    allowed("record presence", (r) => r.set("gateway-presence:7", "gw-1", "PX", 1000)),
    allowed("spend a WebSocket ticket", (r) => r.getdel("ws-ticket:0")),
    refused("give itself spendable credit", (r) => r.set("credit:{user:1}", "1000000")),
  ],
  coupon: [
    refused("publish a fake paid result", (r) => r.publish("payment_update:gw-1", '{"status":"paid"}')),
    refused("touch the gateway's rate limits", (r) => r.del("rate-limit:auth-ip:127.0.0.1")),
    refused("mint a WebSocket ticket", (r) => r.set("ws-ticket:0", '{"userId":"1","role":"admin","expiresAtMs":9e15}')),
    refused("flush the database", (r) => r.flushdb()),
    refused("turn persistence settings", (r) => r.call("CONFIG", "SET", "appendonly", "no")),
    refused("read the whole keyspace", (r) => r.scan(0)),
    allowed("load stock", (r) => r.set(sale.stock, "10")),
    allowed("read an order", (r) => r.hget(sale.orders, "1-x")),
  ],
  payment: [
    refused("rewrite a coupon's price", (r) => r.hset(sale.sale, "priceCents", "0")),
    refused("forge an order event", (r) => r.hset(sale.orders, "1-x", "{}")),
    refused("overwrite the stock", (r) => r.set(sale.stock, "1000000")),
    refused("touch the gateway's presence", (r) => r.set("gateway-presence:7", "gw-evil")),
    refused("flush the database", (r) => r.flushdb()),
    refused("rewrite the reservation it checks events against", (r) => r.hdel(sale.orders, "1-x")),
    allowed("read the reservation an order event must match", (r) => r.hget(sale.orders, "1-x")),
    allowed("return a unit", (r) => r.incr(sale.stock)),
    allowed("give a price back to a buyer's spendable credit", (r) => r.incrby("credit:{user:1}", 100)),
    refused("set a buyer's spendable credit outright", (r) => r.set("credit:{user:1}", "1000000")),
    allowed("settle an order's status", (r) => r.hset(sale.orderStatus, "1-x", "paid")),
    allowed("publish a result", (r) => r.publish("payment_update:gw-1", "{}")),
  ],
};

describe("each service's Redis ACL user, on the real Redis", () => {
  const clients: Partial<Record<RedisService, Redis>> = {};
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
    for (const service of Object.keys(cases) as RedisService[])
      clients[service] = new Redis(serviceRedisUrl(service, TEST_REDIS_DB), { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    for (const client of Object.values(clients)) client.disconnect();
    await admin.del(...Object.values(sale), "rate-limit:auth-ip:127.0.0.1", "gateway-presence:7");
    admin.disconnect();
  });

  for (const [service, attempts] of Object.entries(cases) as [RedisService, (typeof cases)[RedisService]][]) {
    it.each(attempts)(`${service}: $name → ${"$allowed"}`, async ({ attempt, allowed: isAllowed }) => {
      const client = clients[service]!;
      if (isAllowed) await expect(attempt(client)).resolves.not.toThrow();
      else await expect(attempt(client)).rejects.toThrow(/NOPERM/);
    });
  }

  it("leaves what a refused command aimed at untouched", async () => {
    await admin.set(sale.stock, "5");
    await admin.hset(sale.sale, "priceCents", "1999");
    await clients.gateway!.set(sale.stock, "0").catch(() => undefined);
    await clients.payment!.hset(sale.sale, "priceCents", "0").catch(() => undefined);
    expect(await admin.get(sale.stock)).toBe("5");
    expect(await admin.hget(sale.sale, "priceCents")).toBe("1999");
  });

  it("refuses a subscription to any channel but the results' for the gateway, and every subscription for coupon", async () => {
    const gatewaySubscriber = new Redis(serviceRedisUrl("gateway", TEST_REDIS_DB), { maxRetriesPerRequest: 1 });
    const couponSubscriber = new Redis(serviceRedisUrl("coupon", TEST_REDIS_DB), { maxRetriesPerRequest: 1 });
    try {
      await expect(gatewaySubscriber.subscribe("payment_update:gw-1")).resolves.toBe(1);
      await expect(gatewaySubscriber.subscribe("__keyspace@15__:coupon:*")).rejects.toThrow(/NOPERM/);
      await expect(couponSubscriber.subscribe("payment_update:gw-1")).rejects.toThrow(/NOPERM/);
    } finally {
      gatewaySubscriber.disconnect();
      couponSubscriber.disconnect();
    }
  });

  it("grants whole commands only, in the access-string syntax ElastiCache documents", () => {
    for (const service of Object.keys(REDIS_ACLS) as RedisService[]) {
      const rules = accessString(service).split(" ");
      expect(rules[0]).toBe("on");
      expect(rules).not.toContain("reset");
      expect(
        rules.filter((rule) => rule.startsWith("+")).every((rule) => /^\+[a-z]+$/.test(rule)),
        service,
      ).toBe(true);
    }
  });

  it("refuses a wrong password", async () => {
    const intruder = new Redis(serviceRedisUrl("coupon", TEST_REDIS_DB).replace(/:[^:@/]+@/, ":not-the-password@"), {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const failures: Error[] = [];
    intruder.on("error", (err: Error) => failures.push(err));
    await intruder.connect().catch((err: Error) => failures.push(err));
    intruder.disconnect();
    expect(failures.map((err) => err.message).join("\n")).toMatch(/WRONGPASS/);
  });
});
