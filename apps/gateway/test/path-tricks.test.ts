import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../../coupon/src/service";
import { startTestService } from "../../coupon/test/support/test-service";
import { couponOverrides, resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import { refusedTargetReason } from "../src/proxy/request-target";
import type { GatewayService } from "../src/service";
import { type SignedIn, authed, signUp } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

/** Sends a request line exactly as written (no client library normalises it) and returns the status and body. */
function rawRequest(port: number, target: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    });
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("end", () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: text.slice(text.indexOf("\r\n\r\n") + 4) }),
    );
  });
}

describe("path tricks through the gateway", () => {
  const env = { database: "gateway_test_paths", topic: uniqueTopic("paths"), deadLetterTopic: uniqueTopic("paths-dlq"), redisDb: 4 };
  let coupon: CouponService;
  let gateway: GatewayService;
  let buyer: SignedIn;
  const couponRequests = async () =>
    (await coupon.registry.getSingleMetric("http_request_duration_seconds")?.get())?.values
      .filter((v) => (v as { metricName?: string }).metricName === "http_request_duration_seconds_count")
      .reduce((sum, v) => sum + v.value, 0) ?? 0;

  beforeAll(async () => {
    await resetPlatformState(env);
    coupon = await startTestService(couponOverrides(env));
    gateway = await startTestGateway(env, `http://127.0.0.1:${coupon.port}`);
    buyer = await signUp(gateway.port, "paths@paths.test");
  });

  afterAll(async () => {
    await gateway?.shutdown();
    await coupon?.shutdown();
  });

  it.each([
    ["a backslash", "/api/coupons/..\\metrics"],
    ["an encoded dot segment", "/api/coupons/%2e%2e/metrics"],
    ["an encoded slash", "/api/coupons/1%2Fpurchase"],
    ["an encoded backslash", "/api/orders/1%5c..%5cmetrics"],
    ["a dot segment", "/api/coupons/../orders/1"],
    ["a trailing dot segment", "/api/coupons/1/.."],
    ["an absolute-form target to coupon itself", "http://127.0.0.1:1/coupons"],
    ["an absolute-form target elsewhere", "http://evil.example/api/coupons"],
  ])("refuses %s with 400 before routing, and coupon never sees it", async (_trick, target) => {
    const before = await couponRequests();
    const { status, body } = await rawRequest(gateway.port, target, buyer.token);
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "bad_request_target" } });
    expect(await couponRequests()).toBe(before);
  });

  it("refuses ids coupon would not accept at the gateway, and forwards valid ones, encoded", async () => {
    const before = await couponRequests();
    const bad = await authed(gateway.port, buyer.token, "/api/coupons/1;DROP");
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: "invalid_path" } });
    expect((await authed(gateway.port, buyer.token, "/api/orders/not-an-order")).status).toBe(400);
    expect(await couponRequests()).toBe(before);
    // A valid id and a valid page query still reach coupon.
    expect((await authed(gateway.port, buyer.token, "/api/coupons/424242")).status).toBe(404);
    expect((await authed(gateway.port, buyer.token, "/api/coupons?page=1&size=5")).status).toBe(200);
    expect(await couponRequests()).toBe(before + 2);
  });

  it("tells tricky targets from ordinary ones", () => {
    expect(refusedTargetReason("/api/coupons/12/purchase")).toBeUndefined();
    expect(refusedTargetReason("/api/coupons?page=2&q=a%2Fb")).toBeUndefined();
    expect(refusedTargetReason("/api/coupons/..")).toBe("the path contains a dot segment");
  });
});
