import { describe, expect, it } from "vitest";
import { loadCouponConfig } from "../../coupon/src/config";
import { loadGatewayConfig } from "../../gateway/src/config";
import { ConfigError } from "../config/load-env";

function problemsFor(env: NodeJS.ProcessEnv): string[] {
  try {
    loadCouponConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe("environment config", () => {
  it("has working defaults for local development", () => {
    const config = loadCouponConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(["127.0.0.1:9092"]);
    expect(config.KAFKA_ORDERS_TOPIC).toBe("coupon.orders");
    expect(config.KAFKA_AUTH).toBe("none");
  });

  it("names each bad variable with what it got", () => {
    const problems = problemsFor({ PORT: "eighty", REDIS_URL: "http://x", OUTBOX_RELAY_ENABLED: "yes" });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith("PORT:"))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith("REDIS_URL:"))).toContain("redis://");
    expect(problems.find((p) => p.startsWith("OUTBOX_RELAY_ENABLED:"))).toContain('"true" or "false"');
  });

  it("requires a region and TLS for MSK IAM", () => {
    const problems = problemsFor({ KAFKA_AUTH: "msk-iam" });
    expect(problems.some((p) => p.startsWith("AWS_REGION:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("KAFKA_TLS:"))).toBe(true);
    expect(problemsFor({ KAFKA_AUTH: "msk-iam", KAFKA_TLS: "true", AWS_REGION: "eu-west-1" })).toEqual([]);
  });

  it("splits broker lists and refuses an empty one", () => {
    expect(loadCouponConfig({ KAFKA_BROKERS: "b-1:9098, b-2:9098" }).KAFKA_BROKERS).toEqual(["b-1:9098", "b-2:9098"]);
    expect(problemsFor({ KAFKA_BROKERS: " , " })[0]).toMatch(/^KAFKA_BROKERS:/);
  });

  it("never prints a secret's value or a URL's credentials, only which variable is wrong and why", () => {
    const secret = "short-secret";
    const problems = (() => {
      try {
        loadGatewayConfig({ JWT_SECRET: secret, REDIS_URL: "http://user:hunter2-password@cache:6379" });
      } catch (err) {
        if (err instanceof ConfigError) return [...err.problems];
        throw err;
      }
      return [];
    })();
    const text = problems.join("\n");
    expect(problems.find((p) => p.startsWith("JWT_SECRET:"))).toBe(
      "JWT_SECRET: must be at least 32 characters (a 12-character value, not shown)",
    );
    expect(problems.find((p) => p.startsWith("REDIS_URL:"))).toContain('got "http://[redacted]@cache:6379"');
    expect(text).not.toContain(secret);
    expect(text).not.toContain("hunter2");
  });
});
