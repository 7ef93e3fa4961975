import { serviceMysqlEnv } from "../../../test-support/test-database";
import { TEST_INTERNAL_IDENTITY } from "../../../test-support/internal-identity";
import { createLogger } from "../../../lib/logger";
import { type TestPlatformEnv } from "../../../payment/test/support/test-platform";
import { serviceRedisUrl } from "../../../test-support/test-env";
import { loadGatewayConfig } from "../../src/config";
import { type GatewayService, startGatewayService } from "../../src/service";

/** The HS256 key of the test gateways; tests sign their own forged tokens with it. */
export const TEST_JWT_SECRET = "test-only-secret-that-is-long-enough-0123456789";
export const TEST_JWT_ISSUER = "coupon-platform-gateway-test";
export const TEST_JWT_AUDIENCE = "coupon-platform";

/** A real gateway on an ephemeral loopback port in front of `couponPort`. */
export function startTestGateway(env: TestPlatformEnv, couponUrl: string, overrides: Record<string, string> = {}): Promise<GatewayService> {
  const config = loadGatewayConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
    REDIS_URL: serviceRedisUrl("gateway", env.redisDb),
    ...serviceMysqlEnv("gateway"),
    MYSQL_DATABASE: env.database,
    COUPON_URL: couponUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    JWT_ISSUER: TEST_JWT_ISSUER,
    JWT_AUDIENCE: TEST_JWT_AUDIENCE,
    // Generous limits unless a test is about them: the whole suite comes from 127.0.0.1.
    RATE_LIMIT_AUTH_POINTS: "100000",
    RATE_LIMIT_PURCHASE_POINTS: "100000",
    RATE_LIMIT_PURCHASE_IP_POINTS: "100000",
    RATE_LIMIT_REGISTER_IP_POINTS: "100000",
    RATE_LIMIT_READ_USER_POINTS: "100000",
    RATE_LIMIT_READ_IP_POINTS: "100000",
    RATE_LIMIT_WS_UPGRADE_IP_POINTS: "100000",
    WS_HEARTBEAT_MS: "1000",
    SHUTDOWN_GRACE_MS: "2000",
    ...TEST_INTERNAL_IDENTITY.gateway,
    ...overrides,
  });
  return startGatewayService(config, createLogger("gateway-test", process.env.TEST_LOG_LEVEL ?? "silent"));
}
