import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CouponService } from "../src/service";
import { TEST_REDIS_DB, uniqueTopic } from "../../test-support/test-env";
import { createSale } from "./support/coupons";
import { asUser, httpRequest, signedIn } from "./support/http-client";
import { startTestService } from "./support/test-service";
import { redisInspector } from "../../test-support/redis-inspector";

const inspect = redisInspector(TEST_REDIS_DB);

describe("coupon service: sale window, health, metrics and shutdown", () => {
  let service: CouponService;

  beforeAll(async () => {
    service = await startTestService({ KAFKA_ORDERS_TOPIC: uniqueTopic("lifecycle") });
  });

  afterAll(async () => {
    await service?.shutdown();
  });

  it("refuses purchases before the sale opens and after it closes, without touching stock", async () => {
    const future = await createSale(service.port, { stock: 5, startsInMs: 3_600_000, endsInMs: 7_200_000 });
    const past = await createSale(service.port, { stock: 5, startsInMs: -7_200_000, endsInMs: -3_600_000 });
    const early = await httpRequest(service.port, `/coupons/${future.id}/purchase`, { method: "POST", headers: asUser(11) });
    const late = await httpRequest(service.port, `/coupons/${past.id}/purchase`, { method: "POST", headers: asUser(11) });
    expect([early.status, early.json()]).toEqual([403, { error: { code: "sale_not_started", message: expect.any(String) } }]);
    expect([late.status, late.json()]).toEqual([403, { error: { code: "sale_ended", message: expect.any(String) } }]);
    expect(await inspect.get(`coupon:{${future.id}}:stock`)).toBe("5");
  });

  it("answers 404 for a coupon that is not on sale", async () => {
    const response = await httpRequest(service.port, "/coupons/123456789/purchase", { method: "POST", headers: asUser(11) });
    expect(response.status).toBe(404);
  });

  it("reports live and ready with its real dependencies", async () => {
    expect((await httpRequest(service.port, "/health/live")).status).toBe(200);
    const ready = await httpRequest(service.port, "/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { redis: "ok", mysql: "ok" }, degraded: { kafka: "ok" } });
  });

  it("exposes Prometheus metrics with request durations and business counters on the metrics port, and not on the API port", async () => {
    expect(service.metricsPort).not.toBe(service.port);
    // Not even for a caller the gateway vouched for (without that, the API port answers 401 to anything).
    expect((await httpRequest(service.port, "/metrics")).status).toBe(401);
    const onApiPort = await httpRequest(service.port, "/metrics", signedIn());
    expect(onApiPort.status).toBe(404);
    expect(onApiPort.json()).toMatchObject({ error: { code: "not_found" } });
    // The metrics port serves metrics and nothing else: not the API, not the probes.
    expect((await httpRequest(service.metricsPort, "/coupons")).status).toBe(404);
    expect((await httpRequest(service.metricsPort, "/health/ready")).status).toBe(404);
    const metrics = await httpRequest(service.metricsPort, "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /^http_request_duration_seconds_count\{[^}]*method="POST",route="\/coupons\/:id\/purchase",status="403"[^}]*\} 2$/m,
    );
    expect(metrics.text).toMatch(/^coupon_purchase_attempts_total\{[^}]*result="not_started"[^}]*\} 1$/m);
  });

  it("keeps idle connections open longer than the ALB's 60 s idle timeout, so a reused connection is never closed under a request", () => {
    expect(service.server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(service.server.headersTimeout).toBeGreaterThan(service.server.keepAliveTimeout);
  });

  it("carries the caller's request id through, or makes one", async () => {
    const given = await httpRequest(service.port, "/health/live", { headers: { "x-request-id": "req-abc-123" } });
    expect(given.headers["x-request-id"]).toBe("req-abc-123");
    const made = await httpRequest(service.port, "/health/live");
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shuts down gracefully: stops accepting, closes its clients, and can be asked twice", async () => {
    const doomed = await startTestService({ KAFKA_ORDERS_TOPIC: uniqueTopic("shutdown"), MIGRATE_ON_START: "false" });
    await Promise.all([doomed.shutdown(), doomed.shutdown()]);
    expect(doomed.server.listening).toBe(false);
    expect(doomed.redis.status).toBe("end");
    await expect(httpRequest(doomed.port, "/health/live")).rejects.toThrow();
  });
});
