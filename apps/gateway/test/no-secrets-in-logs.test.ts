import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest } from "../../coupon/test/support/http-client";
import { startCouponService, type CouponService } from "../../coupon/src/service";
import { loadCouponConfig } from "../../coupon/src/config";
import { createLogger } from "../../lib/logger";
import { couponOverrides, resetPlatformState } from "../../payment/test/support/test-platform";
import { TEST_DB_PASSWORDS, serviceMysqlEnv } from "../../test-support/test-database";
import { TEST_INTERNAL_IDENTITY } from "../../test-support/internal-identity";
import { TEST_KAFKA_BROKER, TEST_REDIS_PASSWORDS, serviceRedisUrl, uniqueTopic } from "../../test-support/test-env";
import { loadGatewayConfig } from "../src/config";
import { startGatewayService, type GatewayService } from "../src/service";
import { type SignedIn, bearer, signUp } from "./support/gateway-client";
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from "./support/test-gateway";

/** Every line both services write, as the cluster's log shipper would receive it. */
const lines: string[] = [];
const capture = { write: (line: string) => void lines.push(line) };

describe("logs carry no credentials", () => {
  const env = { database: "gateway_test_logs", topic: uniqueTopic("logs"), deadLetterTopic: uniqueTopic("logs-dlq"), redisDb: 3 };
  const password = "a password nobody may read in a log";
  let coupon: CouponService;
  let gateway: GatewayService;
  let buyer: SignedIn;

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startCouponService(
      loadCouponConfig({
        HOST: "127.0.0.1",
        PORT: "0",
        KAFKA_BROKERS: TEST_KAFKA_BROKER,
        OUTBOX_RELAY_ENABLED: "false",
        ...couponOverrides(env),
      }),
      createLogger("coupon", "debug", capture),
    );
    gateway = await startGatewayService(
      loadGatewayConfig({
        HOST: "127.0.0.1",
        PORT: "0",
        METRICS_PORT: "0",
        REDIS_URL: serviceRedisUrl("gateway", env.redisDb),
        ...serviceMysqlEnv("gateway"),
        MYSQL_DATABASE: env.database,
        COUPON_URL: `http://127.0.0.1:${coupon.port}`,
        JWT_SECRET: TEST_JWT_SECRET,
        JWT_ISSUER: TEST_JWT_ISSUER,
        JWT_AUDIENCE: TEST_JWT_AUDIENCE,
        ...TEST_INTERNAL_IDENTITY.gateway,
        RATE_LIMIT_AUTH_POINTS: "1000",
      }),
      createLogger("gateway", "debug", capture),
    );
    buyer = await signUp(gateway.port, "logs@logs.test", password);
  });

  afterAll(async () => {
    await gateway?.shutdown();
    await coupon?.shutdown();
  });

  it("censors the Authorization header, cookies, tokens in query strings and passwords in every line of real requests", async () => {
    const before = lines.length;
    // A signed-in request, one with a cookie, one with the token in the query string, a wrong password.
    expect((await httpRequest(gateway.port, "/api/coupons", { headers: bearer(buyer.token) })).status).toBe(200);
    await httpRequest(gateway.port, "/api/coupons?page=1", { headers: { cookie: `session=${buyer.token}`, ...bearer(buyer.token) } });
    await httpRequest(gateway.port, `/api/coupons?access_token=${buyer.token}&page=1`);
    expect(
      (await httpRequest(gateway.port, "/auth/login", { method: "POST", body: { email: buyer.email, password: `${password}!` } })).status,
    ).toBe(401);
    // A browser's WebSocket, which can only send a credential in the URL: a one-time ticket.
    const issued = await httpRequest(gateway.port, "/auth/ws-ticket", { method: "POST", headers: bearer(buyer.token) });
    expect(issued.status).toBe(201);
    const { ticket } = issued.json<{ ticket: string }>();
    const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/ws?ticket=${ticket}`);
    await new Promise((resolve, reject) => {
      socket.once("message", resolve);
      socket.once("error", reject);
    });
    socket.close();

    const written = lines.slice(before).join("");
    // The requests were logged (with their headers) — and censored.
    expect(written).toContain('"authorization":"[redacted]"');
    expect(written).toContain('"cookie":"[redacted]"');
    expect(written).toContain("access_token=[redacted]&page=1");
    // No JWT at all: neither the buyer's nor the internal identity the gateway signed for coupon.
    expect(written).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    const privateKeyBody = TEST_INTERNAL_IDENTITY.gateway.INTERNAL_TOKEN_PRIVATE_KEY.split("\n")[1] as string;
    for (const secret of [
      buyer.token,
      ticket,
      password,
      TEST_JWT_SECRET,
      privateKeyBody,
      TEST_REDIS_PASSWORDS.gateway,
      TEST_REDIS_PASSWORDS.coupon,
      TEST_DB_PASSWORDS.gateway,
      TEST_DB_PASSWORDS.coupon,
    ])
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
  });
});
