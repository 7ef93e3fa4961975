import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { couponKeys } from "../../lib/flash-sale/keys";
import { generateInternalIdentityKeys, jwksOf } from "../../lib/internal-identity/local-keys";
import {
  TEST_INTERNAL_IDENTITY,
  TEST_INTERNAL_KEY_ID,
  TEST_INTERNAL_PUBLIC_KEY,
  bearer,
  forgersKey,
  internalToken,
} from "../../test-support/internal-identity";
import { TEST_REDIS_DB, uniqueTopic } from "../../test-support/test-env";
import type { CouponService } from "../src/service";
import { createSale } from "./support/coupons";
import { asUser, httpRequest } from "./support/http-client";
import { startTestService } from "./support/test-service";
import { redisInspector } from "../../test-support/redis-inspector";
import { fundBuyers } from "../../test-support/spendable-credit";

const inspect = redisInspector(TEST_REDIS_DB);

const purchase = (headers: Record<string, string>) => ({ method: "POST", headers });

/** An HS256 token keyed with the service's own public key set: the classic algorithm-confusion forgery. */
function hmacWithPublicKey(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: "HS256", kid: TEST_INTERNAL_KEY_ID })}.${encode({
    iss: "coupon-platform-gateway",
    aud: "coupon",
    sub: "66",
    role: "admin",
    gid: "gw-1",
    iat: now,
    exp: now + 60,
  })}`;
  const signature = createHmac("sha256", TEST_INTERNAL_IDENTITY.service.INTERNAL_JWKS).update(input).digest("base64url");
  return `${input}.${signature}`;
}

describe("coupon trusts only the gateway's signed identity", () => {
  let service: CouponService;
  let couponId: string;

  beforeAll(async () => {
    service = await startTestService({ KAFKA_ORDERS_TOPIC: uniqueTopic("identity"), OUTBOX_RELAY_ENABLED: "false" });
    couponId = (await createSale(service.port, { stock: 10 })).id;
    // The buyers the attacks would act as, and the real one: credit is not what they test.
    await fundBuyers(inspect, [66, 77, 1, 5, 7, 42]);
  });

  afterAll(async () => {
    await service?.shutdown();
  });

  const forgeries: { name: string; headers: () => Record<string, string> }[] = [
    {
      name: "bare identity headers, as an in-cluster caller would send them",
      headers: () => ({ "x-user-id": "66", "x-user-role": "admin", "x-gateway-id": "gw-1" }),
    },
    {
      name: "a token signed by another key under the gateway's kid",
      headers: () => bearer(internalToken({ sub: "66", key: forgersKey() })),
    },
    { name: "a token for another audience", headers: () => bearer(internalToken({ sub: "66", aud: "payment" })) },
    { name: "a token from another issuer", headers: () => bearer(internalToken({ sub: "66", iss: "coupon-platform-gateway-evil" })) },
    { name: "an expired token", headers: () => bearer(internalToken({ sub: "66", issuedAgo: 120, expiresIn: -60 })) },
    {
      name: "a token older than the accepted age, whatever its exp",
      headers: () => bearer(internalToken({ sub: "66", issuedAgo: 300, expiresIn: 3_600 })),
    },
    { name: "a token without an issuer", headers: () => bearer(internalToken({ sub: "66", omit: ["iss"] })) },
    { name: "a token without an audience", headers: () => bearer(internalToken({ sub: "66", omit: ["aud"] })) },
    {
      name: "a token dated an hour ahead, which the age limit would not catch",
      headers: () => bearer(internalToken({ sub: "66", issuedAgo: -3_600, expiresIn: 7_200 })),
    },
    { name: 'a token with alg "none"', headers: () => bearer(internalToken({ sub: "66", alg: "none" })) },
    { name: "an HS256 token keyed with the public key set", headers: () => bearer(hmacWithPublicKey()) },
    { name: "a token under a kid nobody published", headers: () => bearer(internalToken({ sub: "66", kid: "someone-else" })) },
    { name: "a Basic credential", headers: () => ({ authorization: "Basic NjY6YWRtaW4=" }) },
  ];

  it.each(forgeries)("refuses $name with 401, before Redis is touched", async ({ headers }) => {
    const stockBefore = await inspect.get(couponKeys(couponId).stock);
    const bought = await httpRequest(service.port, `/coupons/${couponId}/purchase`, purchase(headers()));
    expect(bought.status, bought.text).toBe(401);
    expect(bought.json<{ error: { code: string } }>().error.code).toBe("unauthenticated");
    const created = await httpRequest(service.port, "/coupons", { method: "POST", headers: headers(), body: { name: "x" } });
    expect(created.status).toBe(401);
    expect(await httpRequest(service.port, "/coupons", { headers: headers() })).toMatchObject({ status: 401 });
    expect(await inspect.get(couponKeys(couponId).stock)).toBe(stockBefore);
    expect(await inspect.hlen(couponKeys(couponId).buyers)).toBe(0);
  });

  it("accepts the gateway's token: the buyer, the role and the socket-holding instance come from it", async () => {
    const bought = await httpRequest(service.port, `/coupons/${couponId}/purchase`, purchase(asUser(77, "gw-holder-7")));
    expect(bought.status, bought.text).toBe(202);
    const { orderId } = bought.json<{ orderId: string }>();
    const event = JSON.parse((await inspect.hget(couponKeys(couponId).orders, orderId)) ?? "{}") as Record<string, unknown>;
    expect(event).toMatchObject({ userId: "77", gatewayId: "gw-holder-7" });
    // A user's token does not make an admin, even with the admin-only route's body right.
    const created = await httpRequest(service.port, "/coupons", { method: "POST", headers: asUser(77), body: { name: "x" } });
    expect(created.status).toBe(403);
  });
});

describe("key rotation: the service trusts every key in its set, and only those", () => {
  it("accepts the old and the next key during the overlap, and refuses the old one once it is removed", async () => {
    const next = generateInternalIdentityKeys("next-key");
    const overlap = await startTestService({
      KAFKA_ORDERS_TOPIC: uniqueTopic("rotation"),
      OUTBOX_RELAY_ENABLED: "false",
      INTERNAL_JWKS: jwksOf([
        { kid: TEST_INTERNAL_KEY_ID, publicKey: TEST_INTERNAL_PUBLIC_KEY },
        { kid: "next-key", publicKey: next.publicKey },
      ]),
    });
    const signedByNext = () => bearer(internalToken({ sub: "5", kid: "next-key", key: next.privateKey }));
    try {
      expect((await httpRequest(overlap.port, "/coupons", { headers: asUser(5) })).status).toBe(200);
      expect((await httpRequest(overlap.port, "/coupons", { headers: signedByNext() })).status).toBe(200);
    } finally {
      await overlap.shutdown();
    }
    const after = await startTestService({
      KAFKA_ORDERS_TOPIC: uniqueTopic("rotation"),
      OUTBOX_RELAY_ENABLED: "false",
      ...next.serviceEnv,
    });
    try {
      expect((await httpRequest(after.port, "/coupons", { headers: signedByNext() })).status).toBe(200);
      expect((await httpRequest(after.port, "/coupons", { headers: asUser(5) })).status).toBe(401);
    } finally {
      await after.shutdown();
    }
  });
});
