import { randomBytes, scryptSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import type { Pool } from "mysql2/promise";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { couponOverrides, platformPool, resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { type SignedIn, authed, bearer, logIn, openSocket, signUp, signUpAdmin } from "./support/gateway-client";
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, startTestGateway } from "./support/test-gateway";
import { redisInspector } from "../../test-support/redis-inspector";

const OIDC_ISSUER = "https://idp.example.test";
const secret = new TextEncoder().encode(TEST_JWT_SECRET);

/** A token signed with the gateway's own key, with whatever claims a test wants to get wrong. */
function forge(claims: {
  sub?: string;
  role?: string;
  iss?: string | null;
  aud?: string | null;
  exp?: number;
  ver?: number;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = new SignJWT({ role: claims.role ?? "user", ver: claims.ver ?? 0 })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub ?? "1")
    .setIssuedAt(now - 3_600)
    .setExpirationTime(claims.exp ?? now + 600);
  // null leaves the claim out.
  if (claims.iss !== null) token.setIssuer(claims.iss ?? TEST_JWT_ISSUER);
  if (claims.aud !== null) token.setAudience(claims.aud ?? TEST_JWT_AUDIENCE);
  return token.sign(secret);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("gateway authentication and authorization", () => {
  const env = { database: "gateway_test_auth", topic: uniqueTopic("auth"), deadLetterTopic: uniqueTopic("auth-dlq"), redisDb: 1 };
  const inspect = redisInspector(env.redisDb);
  let coupon: CouponService;
  let gateway: GatewayService;
  let pool: Pool;
  let jwksServer: Server;
  let user: SignedIn;
  let admin: SignedIn;
  let idpKeys: Awaited<ReturnType<typeof generateKeyPair>>;

  const newCoupon = () => {
    const now = Date.now();
    return {
      name: "Auth test coupon",
      priceCents: 100,
      stock: 5,
      saleStartsAt: new Date(now - 60_000).toISOString(),
      saleEndsAt: new Date(now + 3_600_000).toISOString(),
    };
  };
  const listWith = (token: string) => authed(gateway.port, token, "/api/coupons");

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    // A stand-in OIDC provider: only its JWKS document is needed to verify its tokens.
    idpKeys = await generateKeyPair("ES256");
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(idpKeys.publicKey)), kid: "idp-1", alg: "ES256", use: "sig" }] });
    jwksServer = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(jwks)).listen(0, "127.0.0.1");
    await new Promise((resolve) => jwksServer.once("listening", resolve));
    gateway = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`, {
      OIDC_ISSUER,
      OIDC_AUDIENCE: "coupon-platform-api",
      OIDC_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`,
    });
    pool = platformPool(env);
    user = await signUp(gateway.port, "user@auth.test");
    admin = await signUpAdmin(gateway.port, pool, "admin@auth.test");
    // Credit is not what these tests are about: the user can pay.
    await pool.query("UPDATE users SET credit_cents = 1000000 WHERE id = ?", [user.userId]);
  });

  afterAll(async () => {
    await gateway?.shutdown();
    await coupon?.shutdown();
    await pool?.end();
    jwksServer?.close();
  });

  it("registers with a scrypt hash, refuses duplicates and weak passwords, logs in only with the right password", async () => {
    const [stored] = await pool.query<import("mysql2/promise").RowDataPacket[]>(
      "SELECT password_hash FROM gateway_accounts WHERE email = ?",
      ["user@auth.test"],
    );
    // OWASP's minimum for scrypt (N=2^15, r=8, p=3 is one of its equivalent settings).
    expect(String(stored[0]?.password_hash)).toMatch(/^scrypt\$32768\$8\$3\$/);
    // A taken email gets the very answer a new one gets; only its owner finds out, by signing in.
    const again = await httpRequest(gateway.port, "/auth/register", {
      method: "POST",
      body: { email: "USER@auth.test", password: "another long password" },
    });
    const fresh = await httpRequest(gateway.port, "/auth/register", {
      method: "POST",
      body: { email: "fresh@auth.test", password: "another long password" },
    });
    expect([again.status, again.text]).toEqual([fresh.status, fresh.text]);
    expect(again.status).toBe(202);
    expect(
      (
        await httpRequest(gateway.port, "/auth/login", {
          method: "POST",
          body: { email: "user@auth.test", password: "another long password" },
        })
      ).status,
    ).toBe(401);
    expect((await logIn(gateway.port, "user@auth.test")).userId).toBe(user.userId);
    const weak = await httpRequest(gateway.port, "/auth/register", {
      method: "POST",
      body: { email: "weak@auth.test", password: "short" },
    });
    expect(weak.status).toBe(400);
    for (const body of [
      { email: "user@auth.test", password: "wrong password" },
      { email: "nobody@auth.test", password: "whatever it is" },
    ]) {
      const refused = await httpRequest(gateway.port, "/auth/login", { method: "POST", body });
      expect(refused.status).toBe(401);
      expect(refused.json()).toEqual({ error: { code: "invalid_credentials", message: "email or password is wrong" } });
    }
    expect((await listWith(user.token)).status).toBe(200);
  });

  it("replaces a hash made at an older, lower cost when its owner logs in", async () => {
    const account = await signUp(gateway.port, "old-hash@auth.test");
    const salt = randomBytes(16);
    const oldKey = scryptSync("correct horse battery staple".normalize("NFKC"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const oldHash = ["scrypt", 2 ** 14, 8, 1, salt.toString("base64url"), oldKey.toString("base64url")].join("$");
    await pool.query("UPDATE gateway_accounts SET password_hash = ? WHERE id = ?", [oldHash, account.userId]);
    expect((await logIn(gateway.port, account.email)).userId).toBe(account.userId);
    const [rows] = await pool.query<import("mysql2/promise").RowDataPacket[]>("SELECT password_hash FROM gateway_accounts WHERE id = ?", [
      account.userId,
    ]);
    expect(String(rows[0]?.password_hash)).toMatch(/^scrypt\$32768\$8\$3\$/);
    // The new hash still takes the same password, and only it.
    expect((await logIn(gateway.port, account.email)).userId).toBe(account.userId);
    expect(
      (await httpRequest(gateway.port, "/auth/login", { method: "POST", body: { email: account.email, password: "not it at all" } }))
        .status,
    ).toBe(401);
  });

  it("refuses missing, malformed, expired, tampered, alg:none, wrong or absent issuer and audience tokens", async () => {
    const missing = await httpRequest(gateway.port, "/api/coupons");
    expect(missing.status).toBe(401);
    expect(missing.json()).toMatchObject({ error: { code: "unauthenticated" } });

    const [header, payload, signature] = user.token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const refusedTokens: Record<string, string> = {
      malformed: "not-a-jwt",
      expired: await forge({ sub: user.userId, exp: Math.floor(Date.now() / 1000) - 600 }),
      tampered: `${header}.${b64({ ...claims, role: "admin" })}.${signature}`,
      algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, role: "admin" })}.`,
      wrongIssuer: await forge({ sub: user.userId, iss: "https://evil.example" }),
      wrongAudience: await forge({ sub: user.userId, aud: "another-api" }),
      noIssuer: await forge({ sub: user.userId, iss: null }),
      noAudience: await forge({ sub: user.userId, aud: null }),
      // Signed right, but for an older token version of the account: revoked.
      revokedVersion: await forge({ sub: user.userId, ver: -1 }),
      // Claims to come from the OIDC issuer but is signed with the gateway's HMAC key.
      externalWithSymmetricKey: await forge({ sub: user.userId, iss: OIDC_ISSUER, aud: "coupon-platform-api" }),
    };
    for (const [kind, token] of Object.entries(refusedTokens)) {
      const response = await listWith(token);
      expect(response.status, kind).toBe(401);
      expect(response.json(), kind).toMatchObject({ error: { code: "unauthenticated" } });
    }
    expect((await listWith(refusedTokens.expired ?? "")).json()).toMatchObject({ error: { message: "token expired" } });
    // The same forger with correct claims passes: the refusals above are about the claims, not the tooling.
    expect((await listWith(await forge({ sub: user.userId }))).status).toBe(200);
  });

  it("keeps admin routes for admins", async () => {
    const asUser = await authed(gateway.port, user.token, "/api/coupons", "POST", newCoupon());
    expect(asUser.status).toBe(403);
    expect(asUser.json()).toMatchObject({ error: { code: "forbidden" } });
    const asAdmin = await authed(gateway.port, admin.token, "/api/coupons", "POST", newCoupon());
    expect(asAdmin.status, asAdmin.text).toBe(201);
  });

  it("ignores identity headers sent by the client", async () => {
    const spoofed = { ...bearer(user.token), "x-user-id": admin.userId, "x-user-role": "admin", "x-gateway-id": "gw-attacker" };
    const create = await httpRequest(gateway.port, "/api/coupons", { method: "POST", headers: spoofed, body: newCoupon() });
    expect(create.status).toBe(403);
    const couponId = (await authed(gateway.port, admin.token, "/api/coupons", "POST", newCoupon())).json<{ id: string }>().id;
    const bought = await httpRequest(gateway.port, `/api/coupons/${couponId}/purchase`, { method: "POST", headers: spoofed });
    expect(bought.status).toBe(202);
    const order = await authed(gateway.port, user.token, `/api/orders/${bought.json<{ orderId: string }>().orderId}`);
    expect(order.json()).toMatchObject({ userId: user.userId });
    const event = await inspect.hget(`coupon:{${couponId}}:orders`, bought.json<{ orderId: string }>().orderId);
    expect(JSON.parse(event ?? "{}")).toMatchObject({ userId: user.userId, gatewayId: gateway.gatewayId });
  });

  it("accepts tokens of the configured OIDC issuer through its JWKS, and only those", async () => {
    const external = (roles: string[], key = idpKeys.privateKey) =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: "ES256", kid: "idp-1" })
        .setSubject("external-subject-42")
        .setIssuer(OIDC_ISSUER)
        .setAudience("coupon-platform-api")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(key);
    const asExternalUser = await listWith(await external([]));
    expect(asExternalUser.status, asExternalUser.text).toBe(200);
    expect((await authed(gateway.port, await external([]), "/api/coupons", "POST", newCoupon())).status).toBe(403);
    // Only the namespaced role grants admin: an identity provider's generic "admin" group grants nothing here.
    expect((await authed(gateway.port, await external(["admin"]), "/api/coupons", "POST", newCoupon())).status).toBe(403);
    expect((await authed(gateway.port, await external(["coupon-platform:admin"]), "/api/coupons", "POST", newCoupon())).status).toBe(201);
    const stranger = await generateKeyPair("ES256");
    expect((await listWith(await external([], stranger.privateKey))).status).toBe(401);
  });

  it("authenticates WebSockets before the upgrade", async () => {
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/ws`);
      socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.once("open", () => reject(new Error("opened without a token")));
      socket.once("error", () => undefined);
    });
    expect(refused).toBe(401);
    const opened = await openSocket(gateway.port, user.token);
    opened.socket.close();
  });
});
