import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { type HttpResponse, httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { couponOverrides, resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { signUp } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

const PASSWORD = "correct horse battery staple";
const FREE_FAILURES = 3;

/** Waits out the time the server named; the test asserts on answers, never on elapsed time. */
const waitRetryAfter = (response: HttpResponse) =>
  new Promise((resolve) => setTimeout(resolve, Number(response.headers["retry-after"]) * 1000 + 100));

/**
 * A botnet tries passwords for one account from many addresses: each address stays
 * under the per-IP limit, so only a limit on the account itself stops it.
 */
describe("credential stuffing against one account", () => {
  const env = {
    database: "gateway_test_stuffing",
    topic: uniqueTopic("stuffing"),
    deadLetterTopic: uniqueTopic("stuffing-dlq"),
    redisDb: 11,
  };
  let coupon: CouponService;
  let gateway: GatewayService;
  let address = 0;

  /** A login from a fresh address each time, as the trusted proxy reports it. */
  const login = (email: string, password: string) =>
    httpRequest(gateway.port, "/auth/login", {
      method: "POST",
      headers: { "x-forwarded-for": `198.18.1.${++address}` },
      body: { email, password },
    });

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    gateway = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, {
      TRUSTED_PROXY_HOPS: "1",
      RATE_LIMIT_AUTH_POINTS: "5",
      LOGIN_FREE_FAILURES: String(FREE_FAILURES),
      LOGIN_BACKOFF_BASE_SECONDS: "1",
    });
    await signUp(gateway.port, "victim@stuffing.test", PASSWORD);
    await signUp(gateway.port, "bystander@stuffing.test", PASSWORD);
  });

  afterAll(async () => {
    await gateway?.shutdown();
    await coupon?.shutdown();
  });

  it("makes the account wait after a few failures, doubling the wait, whatever the address, even for the right password", async () => {
    for (let i = 0; i < FREE_FAILURES; i++) expect((await login("victim@stuffing.test", `guess ${i}`)).status).toBe(401);
    // The failure past the free ones is still answered, and starts the wait.
    expect((await login("victim@stuffing.test", "guess 3")).status).toBe(401);
    const waiting = await login("victim@stuffing.test", PASSWORD);
    expect(waiting.status).toBe(429);
    expect(waiting.json()).toMatchObject({ error: { code: "login_backoff" } });
    expect(Number(waiting.headers["retry-after"])).toBe(1);

    await waitRetryAfter(waiting);
    expect((await login("victim@stuffing.test", "guess 4")).status).toBe(401);
    const longer = await login("victim@stuffing.test", "guess 5");
    expect(longer.status).toBe(429);
    expect(Number(longer.headers["retry-after"])).toBe(2);

    // Another account is not held back by the victim's record.
    expect((await login("bystander@stuffing.test", PASSWORD)).status).toBe(200);
    // Once the wait is over the owner gets in, and that clears the record.
    await waitRetryAfter(longer);
    expect((await login("victim@stuffing.test", PASSWORD)).status).toBe(200);
    expect((await login("victim@stuffing.test", "one typo")).status).toBe(401);
    expect((await login("victim@stuffing.test", PASSWORD)).status).toBe(200);
  });

  it("answers an unknown email exactly as a known one, back-off included", async () => {
    const answers = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i <= FREE_FAILURES; i++) statuses.push((await login(email, `guess ${i}`)).status);
      const after = await login(email, "guess");
      return { statuses, after: [after.status, after.json<{ error: { code: string } }>().error.code] };
    };
    expect(await answers("nobody@stuffing.test")).toEqual(await answers("bystander@stuffing.test"));
  });
});
