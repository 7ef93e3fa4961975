import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { CouponService } from "../../coupon/src/service";
import { httpRequest } from "../../coupon/test/support/http-client";
import { startTestService } from "../../coupon/test/support/test-service";
import { couponOverrides, resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { WS_CLOSE } from "../src/ws/socket-hub";
import { type SignedIn, bearer, signUp } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

const SHOP = "https://shop.example";

type Attempt =
  | { opened: true; socket: WebSocket; welcome: Record<string, unknown> }
  | { opened: false; status: number; headers: Record<string, string | string[] | undefined>; body: { error?: { code?: string } } };

/** Tries an upgrade; resolves with the open socket and its welcome, or with the HTTP refusal. */
function tryUpgrade(port: number, query: string, headers: Record<string, string> = {}): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers });
    socket.once("message", (data) => resolve({ opened: true, socket, welcome: JSON.parse(String(data)) as Record<string, unknown> }));
    socket.once("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      res.on("end", () => resolve({ opened: false, status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || "{}") }));
    });
    socket.once("error", reject);
  });
}

const closeOf = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );

describe("WebSocket limits at the gateway", () => {
  const env = { database: "gateway_test_ws", topic: uniqueTopic("ws"), deadLetterTopic: uniqueTopic("ws-dlq"), redisDb: 10 };
  let coupon: CouponService;
  let gateway: GatewayService;
  /** Behind one trusted proxy, with a small upgrade budget per client address. */
  let proxied: GatewayService;
  let buyer: SignedIn;
  const open: WebSocket[] = [];

  async function ticket(port = gateway.port, token = buyer.token): Promise<string> {
    const response = await httpRequest(port, "/auth/ws-ticket", { method: "POST", headers: bearer(token) });
    expect(response.status, response.text).toBe(201);
    return response.json<{ ticket: string }>().ticket;
  }

  async function opened(attempt: Promise<Attempt>): Promise<Extract<Attempt, { opened: true }>> {
    const result = await attempt;
    if (!result.opened) throw new Error(`upgrade refused: ${result.status} ${JSON.stringify(result.body)}`);
    open.push(result.socket);
    return result;
  }

  async function refused(attempt: Promise<Attempt>): Promise<Extract<Attempt, { opened: false }>> {
    const result = await attempt;
    if (result.opened) {
      result.socket.close();
      throw new Error("the upgrade was accepted");
    }
    return result;
  }

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    const couponUrl = `http://127.0.0.1:${coupon.port}`;
    gateway = await startTestGateway(env, couponUrl, { CORS_ORIGINS: SHOP });
    proxied = await startTestGateway(env, couponUrl, { TRUSTED_PROXY_HOPS: "1", RATE_LIMIT_WS_UPGRADE_IP_POINTS: "2" });
    buyer = await signUp(gateway.port, "sockets@ws.test");
  });

  afterAll(async () => {
    for (const socket of open) socket.terminate();
    await proxied?.shutdown();
    await gateway?.shutdown();
    await coupon?.shutdown();
  });

  it("opens a socket with a one-time ticket, and refuses the same ticket a second time", async () => {
    const spent = await ticket();
    const first = await opened(tryUpgrade(gateway.port, `?ticket=${spent}`, { origin: SHOP }));
    expect(first.welcome).toEqual({ type: "welcome", userId: buyer.userId, expiresAtMs: expect.any(Number) });
    const again = await refused(tryUpgrade(gateway.port, `?ticket=${spent}`, { origin: SHOP }));
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe("invalid_ticket");
  });

  it("names no gateway instance in the welcome", async () => {
    const { welcome } = await opened(tryUpgrade(gateway.port, `?ticket=${await ticket()}`));
    expect(JSON.stringify(welcome)).not.toContain(gateway.gatewayId);
    expect(Object.keys(welcome).sort()).toEqual(["expiresAtMs", "type", "userId"]);
  });

  it("refuses an access token in the URL, a made-up ticket, and a ticket asked for without a token", async () => {
    const inUrl = await refused(tryUpgrade(gateway.port, `?access_token=${buyer.token}`));
    expect([inUrl.status, inUrl.body.error?.code]).toEqual([400, "token_in_url"]);
    const madeUp = await refused(tryUpgrade(gateway.port, `?ticket=${"A".repeat(43)}`));
    expect([madeUp.status, madeUp.body.error?.code]).toEqual([401, "invalid_ticket"]);
    expect((await httpRequest(gateway.port, "/auth/ws-ticket", { method: "POST" })).status).toBe(401);
  });

  it("refuses a browser Origin that is not on the allow-list, before spending the ticket", async () => {
    const kept = await ticket();
    const foreign = await refused(tryUpgrade(gateway.port, `?ticket=${kept}`, { origin: "https://evil.example" }));
    expect([foreign.status, foreign.body.error?.code]).toEqual([403, "origin_not_allowed"]);
    await opened(tryUpgrade(gateway.port, `?ticket=${kept}`, { origin: SHOP }));
  });

  it("keeps at most 3 sockets per user: a 4th closes the oldest with code 4008", async () => {
    const other = await signUp(gateway.port, "many-sockets@ws.test");
    const sockets = [];
    for (let i = 0; i < 3; i++)
      sockets.push((await opened(tryUpgrade(gateway.port, `?ticket=${await ticket(gateway.port, other.token)}`))).socket);
    const oldestClosed = closeOf(sockets[0]!);
    const fourth = await opened(tryUpgrade(gateway.port, `?ticket=${await ticket(gateway.port, other.token)}`));
    expect(await oldestClosed).toEqual({ code: WS_CLOSE.replaced.code, reason: WS_CLOSE.replaced.reason });
    for (const socket of [sockets[1]!, sockets[2]!, fourth.socket]) expect(socket.readyState).toBe(WebSocket.OPEN);
  });

  it("limits upgrades per client address (the one the trusted proxy saw) with 429 and Retry-After", async () => {
    const from = (address: string) => ({ "x-forwarded-for": address });
    for (let i = 0; i < 2; i++) await opened(tryUpgrade(proxied.port, `?ticket=${await ticket(proxied.port)}`, from("198.18.0.7")));
    const flooded = await refused(tryUpgrade(proxied.port, `?ticket=${await ticket(proxied.port)}`, from("198.18.0.7")));
    expect([flooded.status, flooded.body.error?.code]).toEqual([429, "rate_limited"]);
    expect(Number(flooded.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Another client behind the same proxy still gets in; a forged extra hop does not change who the client is.
    await opened(tryUpgrade(proxied.port, `?ticket=${await ticket(proxied.port)}`, from("198.18.0.8")));
    const forgedHop = await refused(tryUpgrade(proxied.port, `?ticket=${await ticket(proxied.port)}`, from("10.9.9.9, 198.18.0.7")));
    expect(forgedHop.status).toBe(429);
  });
});
