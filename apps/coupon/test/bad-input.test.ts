import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CouponService } from "../src/service";
import { uniqueTopic } from "../../test-support/test-env";
import { bearer, internalToken } from "../../test-support/internal-identity";
import { asAdmin, asUser, httpRequest, type RequestOptions } from "./support/http-client";
import { startTestService } from "./support/test-service";

const validCoupon = {
  name: "Valid",
  priceCents: 100,
  stock: 10,
  saleStartsAt: "2030-01-01T00:00:00Z",
  saleEndsAt: "2030-01-02T00:00:00Z",
};

interface Case {
  name: string;
  path: string;
  options: RequestOptions;
  status: number;
  code: string;
}

const create = (body: unknown, headers: Record<string, string> = asAdmin()): RequestOptions => ({ method: "POST", headers, body });
const purchase = (headers: Record<string, string>, body?: unknown): RequestOptions => ({ method: "POST", headers, body });

const cases: Case[] = [
  { name: "malformed JSON on create", path: "/coupons", options: create('{"name": "x",'), status: 400, code: "malformed_json" },
  {
    name: "malformed JSON on purchase",
    path: "/coupons/1/purchase",
    options: purchase(asUser(7), "{not json"),
    status: 400,
    code: "malformed_json",
  },
  { name: "a JSON scalar as body", path: "/coupons", options: create('"just a string"'), status: 400, code: "malformed_json" },
  {
    name: "unknown field on create",
    path: "/coupons",
    options: create({ ...validCoupon, discount: 50 }),
    status: 400,
    code: "invalid_body",
  },
  {
    name: "unknown field on purchase",
    path: "/coupons/1/purchase",
    options: purchase(asUser(7), { quantity: 5 }),
    status: 400,
    code: "invalid_body",
  },
  {
    name: "huge body",
    path: "/coupons",
    options: create({ ...validCoupon, description: "x".repeat(64 * 1024) }),
    status: 413,
    code: "body_too_large",
  },
  {
    name: "non-JSON content type",
    path: "/coupons",
    options: { method: "POST", headers: { ...asAdmin(), "content-type": "text/plain" }, body: "name=x" },
    status: 415,
    code: "unsupported_media_type",
  },
  { name: "negative price", path: "/coupons", options: create({ ...validCoupon, priceCents: -1 }), status: 400, code: "invalid_body" },
  { name: "fractional price", path: "/coupons", options: create({ ...validCoupon, priceCents: 9.99 }), status: 400, code: "invalid_body" },
  {
    name: "price as a string",
    path: "/coupons",
    options: create({ ...validCoupon, priceCents: "100" }),
    status: 400,
    code: "invalid_body",
  },
  { name: "negative stock", path: "/coupons", options: create({ ...validCoupon, stock: -5 }), status: 400, code: "invalid_body" },
  { name: "zero stock", path: "/coupons", options: create({ ...validCoupon, stock: 0 }), status: 400, code: "invalid_body" },
  { name: "missing name", path: "/coupons", options: create({ ...validCoupon, name: undefined }), status: 400, code: "invalid_body" },
  {
    name: "sale ending before it starts",
    path: "/coupons",
    options: create({ ...validCoupon, saleEndsAt: "2029-12-31T00:00:00Z" }),
    status: 400,
    code: "invalid_body",
  },
  {
    name: "date that is not ISO-8601",
    path: "/coupons",
    options: create({ ...validCoupon, saleStartsAt: "next tuesday" }),
    status: 400,
    code: "invalid_body",
  },
  {
    name: "non-numeric coupon id on purchase",
    path: "/coupons/abc/purchase",
    options: purchase(asUser(7)),
    status: 400,
    code: "invalid_path",
  },
  { name: "negative coupon id on purchase", path: "/coupons/-1/purchase", options: purchase(asUser(7)), status: 400, code: "invalid_path" },
  { name: "fractional coupon id", path: "/coupons/1.5", options: { headers: asUser(7) }, status: 400, code: "invalid_path" },
  { name: "zero-padded coupon id", path: "/coupons/007", options: { headers: asUser(7) }, status: 400, code: "invalid_path" },
  { name: "malformed order id", path: "/orders/12345", options: { headers: asUser(7) }, status: 400, code: "invalid_path" },
  { name: "page zero", path: "/coupons?page=0", options: { headers: asUser(7) }, status: 400, code: "invalid_query" },
  { name: "page size too large", path: "/coupons?size=1000", options: { headers: asUser(7) }, status: 400, code: "invalid_query" },
  { name: "non-numeric page", path: "/coupons?page=two", options: { headers: asUser(7) }, status: 400, code: "invalid_query" },
  { name: "repeated page parameter", path: "/coupons?page=1&page=2", options: { headers: asUser(7) }, status: 400, code: "invalid_query" },
  { name: "unknown query parameter", path: "/coupons?sort=price", options: { headers: asUser(7) }, status: 400, code: "invalid_query" },
  { name: "purchase without identity", path: "/coupons/1/purchase", options: purchase({}), status: 401, code: "unauthenticated" },
  {
    name: "purchase with the old bare identity headers",
    path: "/coupons/1/purchase",
    options: purchase({ "x-user-id": "7", "x-user-role": "admin", "x-gateway-id": "gw-1" }),
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "purchase with a malformed user id",
    path: "/coupons/1/purchase",
    options: purchase(bearer(internalToken({ sub: "7; DROP TABLE users" }))),
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "purchase with an unknown role",
    path: "/coupons/1/purchase",
    options: purchase(bearer(internalToken({ sub: "7", role: "root" }))),
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "purchase with a malformed gateway id",
    path: "/coupons/1/purchase",
    options: purchase(bearer(internalToken({ sub: "7", gid: "gw/../../x" }))),
    status: 401,
    code: "unauthenticated",
  },
  { name: "create without identity", path: "/coupons", options: create(validCoupon, {}), status: 401, code: "unauthenticated" },
  { name: "create as a plain user", path: "/coupons", options: create(validCoupon, asUser(7)), status: 403, code: "forbidden" },
  {
    name: "order lookup without identity",
    path: "/orders/1-00000000-0000-4000-8000-000000000000",
    options: {},
    status: 401,
    code: "unauthenticated",
  },
  { name: "unknown route", path: "/coupons/1/refund", options: { method: "POST", headers: asUser(7) }, status: 404, code: "not_found" },
];

describe("bad input is refused with a clear 4xx before Redis or MySQL see it", () => {
  let service: CouponService;
  let redisCommands: string[] = [];
  let mysqlAcquires = 0;

  beforeAll(async () => {
    // No relay: nothing in the background talks to Redis while commands are counted.
    service = await startTestService({ KAFKA_ORDERS_TOPIC: uniqueTopic("bad-input"), OUTBOX_RELAY_ENABLED: "false" });
    const send = service.redis.sendCommand.bind(service.redis);
    service.redis.sendCommand = (command, stream) => {
      redisCommands.push(command.name);
      return send(command, stream);
    };
    service.pool.on("acquire", () => mysqlAcquires++);
  });

  beforeEach(() => {
    redisCommands = [];
    mysqlAcquires = 0;
  });

  afterAll(async () => {
    await service?.shutdown();
  });

  it.each(cases)("$name → $status $code", async ({ path, options, status, code }) => {
    const response = await httpRequest(service.port, path, options);
    expect(response.status, response.text).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const body = response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(redisCommands).toEqual([]);
    expect(mysqlAcquires).toBe(0);
  });

  it("counts what it should: a valid purchase of an unknown coupon does reach Redis (and answers 404)", async () => {
    const response = await httpRequest(service.port, "/coupons/999999/purchase", { method: "POST", headers: asUser(7) });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    expect(redisCommands.length).toBeGreaterThan(0);
  });
});
