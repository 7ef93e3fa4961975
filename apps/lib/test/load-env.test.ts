import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadCouponConfig } from "../../coupon/src/config";
import { loadGatewayConfig } from "../../gateway/src/config";
import { ConfigError } from "../config/load-env";
import { TEST_INTERNAL_IDENTITY } from "../../test-support/internal-identity";

function problemsFor(env: NodeJS.ProcessEnv): string[] {
  try {
    loadCouponConfig({ ...TEST_INTERNAL_IDENTITY.service, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe("environment config", () => {
  it("has working defaults for local development", () => {
    const config = loadCouponConfig(TEST_INTERNAL_IDENTITY.service);
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

  it("requires a region and TLS for RDS IAM auth", () => {
    const problems = problemsFor({ MYSQL_AUTH: "rds-iam" });
    expect(problems.some((p) => p.startsWith("AWS_REGION:") && p.includes("MYSQL_AUTH=rds-iam"))).toBe(true);
    expect(problems.some((p) => p.startsWith("MYSQL_TLS:"))).toBe(true);
    expect(problemsFor({ MYSQL_AUTH: "rds-iam", MYSQL_TLS: "true", AWS_REGION: "eu-west-1" })).toEqual([]);
  });

  it("splits broker lists and refuses an empty one", () => {
    expect(loadCouponConfig({ ...TEST_INTERNAL_IDENTITY.service, KAFKA_BROKERS: "b-1:9098, b-2:9098" }).KAFKA_BROKERS).toEqual([
      "b-1:9098",
      "b-2:9098",
    ]);
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

  it("refuses an internal key set that is missing, malformed, holds a private key or repeats a kid", () => {
    expect(problemsFor({ INTERNAL_JWKS: undefined })).toEqual([expect.stringMatching(/^INTERNAL_JWKS: .*not set/)]);
    expect(problemsFor({ INTERNAL_JWKS: "{not json" })[0]).toMatch(/^INTERNAL_JWKS: must be a JSON Web Key Set/);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const privateJwk = { ...privateKey.export({ format: "jwk" }), kid: "k1" };
    expect(problemsFor({ INTERNAL_JWKS: JSON.stringify({ keys: [privateJwk] }) })[0]).toMatch(/public keys only/);
    const [publicJwk] = (JSON.parse(TEST_INTERNAL_IDENTITY.service.INTERNAL_JWKS) as { keys: object[] }).keys;
    expect(problemsFor({ INTERNAL_JWKS: JSON.stringify({ keys: [publicJwk, publicJwk] }) })[0]).toMatch(/must not repeat a kid/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" });
    expect(problemsFor({ INTERNAL_JWKS: JSON.stringify({ keys: [{ ...rsa, kid: "k1" }] }) }).join("\n")).toMatch(/kty must be "EC"/);
  });

  it("refuses a gateway signing key that cannot sign ES256, without printing it", () => {
    const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    let problems: string[] = [];
    try {
      loadGatewayConfig({ ...TEST_INTERNAL_IDENTITY.gateway, JWT_SECRET: "x".repeat(40), INTERNAL_TOKEN_PRIVATE_KEY: rsaPem });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = [...err.problems];
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^INTERNAL_TOKEN_PRIVATE_KEY: must be a PKCS#8 PEM P-256 \(ES256\) private key \(a \d+-character value, not shown\)$/,
    );
  });

  it("takes an external issuer's keys over https only, and only a namespaced admin role", () => {
    const gatewayProblems = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadGatewayConfig({ ...TEST_INTERNAL_IDENTITY.gateway, JWT_SECRET: "x".repeat(40), ...env });
      } catch (err) {
        if (err instanceof ConfigError) return [...err.problems];
        throw err;
      }
      return [];
    };
    const oidc = { OIDC_ISSUER: "https://idp.example.test", OIDC_AUDIENCE: "coupon-platform-api" };
    expect(gatewayProblems({ ...oidc, OIDC_JWKS_URL: "http://idp.example.test/jwks.json" }).join("\n")).toMatch(
      /^OIDC_JWKS_URL: must be an https URL \(plain http only to 127\.0\.0\.1 or localhost, for local runs\)/,
    );
    expect(gatewayProblems({ ...oidc, OIDC_JWKS_URL: "https://idp.example.test/jwks.json" })).toEqual([]);
    expect(gatewayProblems({ ...oidc, OIDC_JWKS_URL: "http://127.0.0.1:8443/jwks.json" })).toEqual([]);
    expect(gatewayProblems({ OIDC_ADMIN_ROLE: "admin" }).join("\n")).toMatch(/^OIDC_ADMIN_ROLE: must be namespaced/);
    expect(loadGatewayConfig({ ...TEST_INTERNAL_IDENTITY.gateway, JWT_SECRET: "x".repeat(40) }).OIDC_ADMIN_ROLE).toBe(
      "coupon-platform:admin",
    );
  });
});
