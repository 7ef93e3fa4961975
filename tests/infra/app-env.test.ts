import { describe, expect, it } from "vitest";
import type { couponEnvSchema } from "../../apps/coupon/src/config";
import { envFor } from "../../infra/apps/env/app-env";

/**
 * The env renderers are checked against each service's zod schema at type-check
 * time (npm test type-checks first): the `@ts-expect-error` lines below fail the
 * type check the day envFor stops refusing a variable the service does not read.
 */
describe("envFor", () => {
  const couponEnv = envFor<typeof couponEnvSchema>();

  it("accepts the service's own variables, spread or written out", () => {
    const shared = { KAFKA_ORDERS_TOPIC: "coupon.orders" };
    expect(couponEnv({ config: { ...shared, PORT: "8080" }, secrets: { MYSQL_PASSWORD: "p" } }).config).toEqual({
      KAFKA_ORDERS_TOPIC: "coupon.orders",
      PORT: "8080",
    });
  });

  it("refuses a variable the service does not declare, also when it arrives through a spread", () => {
    const renamed = { ORDERS_TOPIC: "coupon.orders" };
    // @ts-expect-error ORDERS_TOPIC is not a coupon variable (it was renamed KAFKA_ORDERS_TOPIC)
    const rendered = couponEnv({ config: { ...renamed }, secrets: {} });
    // @ts-expect-error neither is a misspelt one written out
    couponEnv({ config: { KAFKA_ORDER_TOPIC: "coupon.orders" }, secrets: {} });
    expect(rendered.config).toEqual(renamed);
  });
});
