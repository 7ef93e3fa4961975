import { randomUUID } from "node:crypto";
import { z } from "zod";
import { mysqlEnv, redisEnv, serverEnv } from "../../lib/config/common-env";
import { envBool, envInt, envList } from "../../lib/config/env-types";
import { loadEnv } from "../../lib/config/load-env";

const url = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

const gatewayEnv = z
  .object({
    ...serverEnv.shape,
    ...redisEnv.shape,
    ...mysqlEnv.shape,
    SERVICE_NAME: z.string().min(1).default("gateway"),
    /** Where /api/coupons… and /api/orders… go. */
    COUPON_URL: url.default("http://127.0.0.1:8081"),
    UPSTREAM_TIMEOUT_MS: envInt(100, 120_000).default(5_000),
    UPSTREAM_MAX_SOCKETS: envInt(1, 10_000).default(256),
    /** This instance's id: payment publishes results on payment_update:<GATEWAY_ID>. The pod name on Kubernetes. */
    GATEWAY_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 . _ : -")
      .default(() => `gw-${randomUUID().slice(0, 8)}`),
    // Access tokens issued by this gateway. HS256 with JWT_SECRET, or an asymmetric
    // algorithm with JWT_PRIVATE_KEY (PKCS#8 PEM; the public key is derived from it).
    JWT_ALGORITHM: z.enum(["HS256", "RS256", "ES256", "EdDSA"]).default("HS256"),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    JWT_PRIVATE_KEY: z.string().includes("PRIVATE KEY", { message: "must be a PKCS#8 PEM private key" }).optional(),
    JWT_ISSUER: z.string().min(1).default("coupon-platform-gateway"),
    JWT_AUDIENCE: z.string().min(1).default("coupon-platform"),
    JWT_ACCESS_TTL_SECONDS: envInt(30, 86_400).default(900),
    JWT_CLOCK_TOLERANCE_SECONDS: envInt(0, 300).default(5),
    // Optional: also accept tokens of an external OIDC issuer, verified with its JWKS.
    OIDC_ISSUER: z.string().min(1).optional(),
    OIDC_JWKS_URL: url.optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    /** Claim listing the caller's roles in external tokens; "admin" among them grants the admin role. */
    OIDC_ROLES_CLAIM: z.string().min(1).default("roles"),
    PASSWORD_MIN_LENGTH: envInt(8, 128).default(10),
    // Rate limits, shared by all replicas through Redis.
    RATE_LIMIT_AUTH_POINTS: envInt(1, 1_000_000).default(10),
    RATE_LIMIT_AUTH_WINDOW_SECONDS: envInt(1, 86_400).default(60),
    RATE_LIMIT_PURCHASE_POINTS: envInt(1, 1_000_000).default(5),
    RATE_LIMIT_PURCHASE_WINDOW_SECONDS: envInt(1, 86_400).default(10),
    /** Proxies in front of the gateway (1 behind the ALB): how many X-Forwarded-For hops to trust for the client IP. */
    TRUSTED_PROXY_HOPS: envInt(0, 10).default(0),
    /** Browser origins allowed by CORS; empty allows none. */
    CORS_ORIGINS: envList.optional(),
    WS_HEARTBEAT_MS: envInt(1_000, 300_000).default(30_000),
    WS_MAX_PAYLOAD_BYTES: envInt(128, 1_048_576).default(4_096),
    MIGRATE_ON_START: envBool.default(true),
  })
  .superRefine((env, ctx) => {
    if (env.JWT_ALGORITHM === "HS256" && !env.JWT_SECRET) ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "is required when JWT_ALGORITHM=HS256" });
    if (env.JWT_ALGORITHM !== "HS256" && !env.JWT_PRIVATE_KEY)
      ctx.addIssue({ code: "custom", path: ["JWT_PRIVATE_KEY"], message: `is required when JWT_ALGORITHM=${env.JWT_ALGORITHM}` });
    const oidc = [env.OIDC_ISSUER, env.OIDC_JWKS_URL, env.OIDC_AUDIENCE];
    if (oidc.some((v) => v !== undefined) && oidc.some((v) => v === undefined))
      ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE are set together or not at all" });
    if (env.OIDC_ISSUER !== undefined && env.OIDC_ISSUER === env.JWT_ISSUER)
      ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "must differ from JWT_ISSUER (the issuer picks the verification key)" });
  });

/** The schema itself: the docs render its table and the infrastructure renders the pods' environment against it. */
export const gatewayEnvSchema = gatewayEnv;

export type GatewayConfig = z.infer<typeof gatewayEnv>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadEnv(gatewayEnv, env);
