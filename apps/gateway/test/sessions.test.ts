import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { type HttpResponse, httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { couponOverrides, platformPool, resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { type SignedIn, authed, logIn, signUp, signUpAdmin } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

interface Session {
  accessToken: string;
  refreshToken: string;
}

const CACHE_SECONDS = 1;
/** Waits out the token-version cache, after which an operator's change in MySQL shows; no time is asserted. */
const pastTheCache = () => new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 200));

describe("sessions: refresh rotation, reuse detection, logout and revocation", () => {
  const env = {
    database: "gateway_test_sessions",
    topic: uniqueTopic("sessions"),
    deadLetterTopic: uniqueTopic("sessions-dlq"),
    redisDb: 12,
  };
  let coupon: CouponService;
  let gateway: GatewayService;
  /** A second replica: revocations must hold on every one of them. */
  let replica: GatewayService;
  let pool: Pool;

  const refresh = (refreshToken: string, port = gateway.port) =>
    httpRequest(port, "/auth/refresh", { method: "POST", body: { refreshToken } });
  const logout = (refreshToken: string, everywhere?: boolean) =>
    httpRequest(gateway.port, "/auth/logout", { method: "POST", body: { refreshToken, ...(everywhere ? { everywhere } : {}) } });
  const status = async (port: number, token: string) => (await authed(port, token, "/api/coupons")).status;
  const asSession = (response: HttpResponse): Session => {
    expect(response.status, response.text).toBe(200);
    return response.json<Session>();
  };
  const fromLogin = (signedIn: SignedIn): Session => ({ accessToken: signedIn.token, refreshToken: signedIn.refreshToken });

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    const settings = { TOKEN_VERSION_CACHE_SECONDS: String(CACHE_SECONDS) };
    gateway = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, settings);
    replica = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, settings);
    pool = platformPool(env);
  });

  afterAll(async () => {
    await replica?.shutdown();
    await gateway?.shutdown();
    await coupon?.shutdown();
    await pool?.end();
  });

  it("rotates refresh tokens: each works once and hands out the next", async () => {
    const first = fromLogin(await signUp(gateway.port, "rotate@sessions.test"));
    const second = asSession(await refresh(first.refreshToken));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await status(replica.port, second.accessToken)).toBe(200);
    const third = asSession(await refresh(second.refreshToken, replica.port));
    expect(await status(gateway.port, third.accessToken)).toBe(200);
  });

  it("treats a second use of a refresh token as theft: the session and every access token of the account are revoked", async () => {
    const stolen = fromLogin(await signUp(gateway.port, "theft@sessions.test"));
    const legit = asSession(await refresh(stolen.refreshToken));
    // The thief replays the copy it took.
    const replay = await refresh(stolen.refreshToken);
    expect([replay.status, replay.json<{ error: { code: string } }>().error.code]).toEqual([401, "refresh_token_reused"]);
    // The whole family is gone, the legitimate next token included, and the access tokens with it, on every replica.
    expect((await refresh(legit.refreshToken)).status).toBe(401);
    for (const token of [stolen.accessToken, legit.accessToken]) {
      expect(await status(gateway.port, token)).toBe(401);
      expect(await status(replica.port, token)).toBe(401);
    }
    // The owner signs in again and is back.
    expect(await status(gateway.port, (await logIn(gateway.port, "theft@sessions.test")).token)).toBe(200);
  });

  it("ends a session at logout, and every session at once with everywhere", async () => {
    const phone = await signUp(gateway.port, "logout@sessions.test");
    const laptop = await logIn(gateway.port, "logout@sessions.test");
    expect((await logout(phone.refreshToken)).status).toBe(204);
    expect((await refresh(phone.refreshToken)).status).toBe(401);
    // The other session lives on.
    const laptopNext = asSession(await refresh(laptop.refreshToken));
    expect(await status(gateway.port, laptopNext.accessToken)).toBe(200);

    expect((await logout(laptopNext.refreshToken, true)).status).toBe(204);
    for (const token of [phone.token, laptop.token, laptopNext.accessToken]) {
      expect(await status(gateway.port, token)).toBe(401);
      expect(await status(replica.port, token)).toBe(401);
    }
    // An unknown token is answered the same: logout says nothing about what exists.
    expect((await logout("A".repeat(43))).status).toBe(204);
  });

  it("locks out a demoted admin and a disabled user once the operator's change is in MySQL", async () => {
    const admin = await signUpAdmin(gateway.port, pool, "demoted@sessions.test");
    const newCoupon = {
      name: "x",
      priceCents: 1,
      stock: 1,
      saleStartsAt: new Date().toISOString(),
      saleEndsAt: new Date(Date.now() + 60_000).toISOString(),
    };
    expect((await authed(gateway.port, admin.token, "/api/coupons", "POST", newCoupon)).status).toBe(201);
    // The operator's procedure (docs): change the role and bump the token version.
    await pool.query("UPDATE gateway_accounts SET role = 'user' WHERE id = ?", [admin.userId]);
    await pool.query(
      "INSERT INTO gateway_account_state (account_id, token_version) VALUES (?, 1) ON DUPLICATE KEY UPDATE token_version = token_version + 1",
      [admin.userId],
    );
    await pastTheCache();
    expect((await authed(gateway.port, admin.token, "/api/coupons", "POST", newCoupon)).status).toBe(401);
    const relogged = await logIn(gateway.port, "demoted@sessions.test");
    expect((await authed(gateway.port, relogged.token, "/api/coupons", "POST", newCoupon)).status).toBe(403);

    const user = await signUp(gateway.port, "disabled@sessions.test");
    await pool.query(
      "INSERT INTO gateway_account_state (account_id, token_version, disabled_at) VALUES (?, 1, NOW(3)) ON DUPLICATE KEY UPDATE token_version = token_version + 1, disabled_at = NOW(3)",
      [user.userId],
    );
    await pastTheCache();
    expect(await status(gateway.port, user.token)).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    const login = await httpRequest(gateway.port, "/auth/login", {
      method: "POST",
      body: { email: user.email, password: "correct horse battery staple" },
    });
    expect([login.status, login.json<{ error: { code: string } }>().error.code]).toEqual([401, "invalid_credentials"]);
  });
});
