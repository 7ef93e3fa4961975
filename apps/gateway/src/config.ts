import { createPrivateKey, randomUUID } from "node:crypto";
import { z } from "zod";
import { checkMysqlAuth, mysqlEnv, redisEnv, serverEnv } from "../../lib/config/common-env";
import { envInt, envList } from "../../lib/config/env-types";
import { loadEnv } from "../../lib/config/load-env";

/** Only a P-256 key can sign ES256; anything else is refused at start, not at the first purchase. */
function isP256PrivateKey(pem: string): boolean {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";
  } catch {
    return false;
  }
}

const url = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** https, or plain http to this machine only (a local stand-in issuer). */
function isHttpsOrLoopback(value: string): boolean {
  const parsed = new URL(value);
  return parsed.protocol === "https:" || ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

const gatewayEnv = z
  .object({
    ...serverEnv.shape,
    ...redisEnv.shape,
    ...mysqlEnv.shape,
    SERVICE_NAME: z.string().min(1).default("gateway").describe("Names the service in logs and metrics."),
    COUPON_URL: url.default("http://127.0.0.1:8081").describe("Where /api/coupons… and /api/orders… go."),
    UPSTREAM_TIMEOUT_MS: envInt(100, 120_000).default(5_000).describe("How long the gateway waits for coupon before answering 504."),
    UPSTREAM_MAX_SOCKETS: envInt(1, 10_000).default(256).describe("Most concurrent connections to coupon."),
    GATEWAY_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 . _ : -")
      .default(() => `gw-${randomUUID().slice(0, 8)}`)
      .describe("This instance's id: payment publishes results on payment_update:<GATEWAY_ID>. The pod name on Kubernetes."),
    // Access tokens issued by this gateway. HS256 with JWT_SECRET, or an asymmetric
    // algorithm with JWT_PRIVATE_KEY (PKCS#8 PEM; the public key is derived from it).
    JWT_ALGORITHM: z
      .enum(["HS256", "RS256", "ES256", "EdDSA"])
      .default("HS256")
      .describe(
        "Signing algorithm of the access tokens this gateway issues: HS256 with JWT_SECRET, or an asymmetric one with JWT_PRIVATE_KEY.",
      ),
    JWT_SECRET: z
      .string()
      .min(32, "must be at least 32 characters")
      .optional()
      .describe("HS256 signing secret, at least 32 characters; required with HS256."),
    JWT_PRIVATE_KEY: z
      .string()
      .includes("PRIVATE KEY", { message: "must be a PKCS#8 PEM private key" })
      .optional()
      .describe("PKCS#8 PEM private key (the public key is derived from it); required with RS256, ES256 or EdDSA."),
    JWT_ISSUER: z.string().min(1).default("coupon-platform-gateway").describe("iss of the tokens this gateway issues and accepts."),
    JWT_AUDIENCE: z.string().min(1).default("coupon-platform").describe("aud of the tokens this gateway issues and accepts."),
    JWT_ACCESS_TTL_SECONDS: envInt(30, 86_400).default(900).describe("Lifetime of an access token."),
    JWT_REFRESH_TTL_SECONDS: envInt(300, 7_776_000)
      .default(1_209_600)
      .describe("Lifetime of a refresh token; each use hands out the next one of its session (rotation)."),
    TOKEN_VERSION_CACHE_SECONDS: envInt(1, 300)
      .default(10)
      .describe(
        "How long a replica trusts the cached token version of an account: an operator's revocation in MySQL takes effect within it (the gateway's own is at once).",
      ),
    JWT_CLOCK_TOLERANCE_SECONDS: envInt(0, 300).default(5).describe("Clock skew tolerated on exp and nbf."),
    // Optional: also accept tokens of an external OIDC issuer, verified with its JWKS.
    OIDC_ISSUER: z
      .string()
      .min(1)
      .optional()
      .describe("Also accept tokens of this external OIDC issuer (set with OIDC_JWKS_URL and OIDC_AUDIENCE)."),
    OIDC_JWKS_URL: z
      .url({ protocol: /^https?$/, message: "must be an https URL" })
      .refine(isHttpsOrLoopback, "must be an https URL (plain http only to 127.0.0.1 or localhost, for local runs)")
      .optional()
      .describe("The external issuer's JWKS, which verifies its tokens: https (a JWKS fetched in clear could be swapped on the way)."),
    OIDC_AUDIENCE: z.string().min(1).optional().describe("aud required of external tokens."),
    OIDC_ROLES_CLAIM: z.string().min(1).default("roles").describe("Claim listing the caller's roles in external tokens."),
    OIDC_ADMIN_ROLE: z
      .string()
      .regex(/^[A-Za-z0-9._-]+[:/][A-Za-z0-9._:/-]+$/, 'must be namespaced, such as "coupon-platform:admin"')
      .default("coupon-platform:admin")
      .describe(
        'The role (in OIDC_ROLES_CLAIM) that grants admin: namespaced, so a generic "admin" group of the identity provider grants nothing here.',
      ),
    // The signed identity attached to every request forwarded to coupon (docs/SECURITY.md).
    INTERNAL_TOKEN_PRIVATE_KEY: z
      .string()
      .refine(isP256PrivateKey, "must be a PKCS#8 PEM P-256 (ES256) private key")
      .describe(
        "PKCS#8 PEM P-256 private key that signs the internal identity tokens (ES256); its public half is in coupon's INTERNAL_JWKS.",
      ),
    INTERNAL_SIGNING_KEY_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 . _ -")
      .describe("kid of that key: the entry of INTERNAL_JWKS that verifies it."),
    INTERNAL_IDENTITY_TTL_SECONDS: envInt(5, 300).default(30).describe("Lifetime (exp) of an internal identity token."),
    PASSWORD_MIN_LENGTH: envInt(8, 128).default(10).describe("Shortest password registration accepts."),
    // Rate limits, shared by all replicas through Redis.
    RATE_LIMIT_AUTH_POINTS: envInt(1, 1_000_000).default(10).describe("Login and registration attempts per client IP per window."),
    RATE_LIMIT_AUTH_WINDOW_SECONDS: envInt(1, 86_400).default(60).describe("That window."),
    PASSWORD_HASH_CONCURRENCY: envInt(1, 64).default(2).describe("Password hashes (0.2 s and 32 MiB each) computed at once."),
    PASSWORD_HASH_QUEUE: envInt(0, 10_000)
      .default(64)
      .describe("Sign-ins that may wait for a hashing slot; beyond them the answer is 503 hashing_busy with Retry-After."),
    LOGIN_FREE_FAILURES: envInt(1, 100).default(5).describe("Failed logins in a row an account may have before it must wait."),
    LOGIN_BACKOFF_BASE_SECONDS: envInt(1, 3_600).default(1).describe("The first wait after those; each further failure doubles it."),
    LOGIN_BACKOFF_MAX_SECONDS: envInt(1, 86_400).default(900).describe("The longest wait between two login attempts of one account."),
    RATE_LIMIT_PURCHASE_POINTS: envInt(1, 1_000_000).default(5).describe("Purchases per user per window."),
    RATE_LIMIT_PURCHASE_WINDOW_SECONDS: envInt(1, 86_400).default(10).describe("That window."),
    RATE_LIMIT_PURCHASE_IP_POINTS: envInt(1, 1_000_000)
      .default(100)
      .describe("Purchases per client IP per purchase window (higher than per user: many buyers can share one address)."),
    RATE_LIMIT_REGISTER_IP_POINTS: envInt(1, 1_000_000)
      .default(20)
      .describe("New accounts per client IP per registration window: a bot farm's accounts cost it addresses."),
    RATE_LIMIT_REGISTER_WINDOW_SECONDS: envInt(1, 604_800).default(3_600).describe("That window."),
    RATE_LIMIT_READ_USER_POINTS: envInt(1, 1_000_000).default(300).describe("Catalog and order reads per user per window."),
    RATE_LIMIT_READ_IP_POINTS: envInt(1, 1_000_000)
      .default(1_500)
      .describe("Catalog and order reads per client IP per window (higher: many users can share one address)."),
    RATE_LIMIT_READ_WINDOW_SECONDS: envInt(1, 86_400).default(10).describe("The read limits' window."),
    TRUSTED_PROXY_HOPS: envInt(0, 10)
      .default(0)
      .describe("Proxies in front of the gateway (1 behind the ALB): how many X-Forwarded-For hops to trust for the client IP."),
    CORS_ORIGINS: envList
      .optional()
      .describe(
        "Browser origins allowed by CORS and to open a WebSocket, comma-separated; unset allows none (clients that send no Origin are not browsers and are not judged by it).",
      ),
    WS_HEARTBEAT_MS: envInt(1_000, 300_000)
      .default(30_000)
      .describe("WebSocket ping interval; three missed pongs close the socket and expire its presence."),
    WS_MAX_PAYLOAD_BYTES: envInt(128, 1_048_576).default(4_096).describe("Largest WebSocket message accepted from a client."),
    WS_TICKET_TTL_SECONDS: envInt(5, 300).default(30).describe("How long a one-time WebSocket ticket (POST /auth/ws-ticket) stays valid."),
    WS_MAX_SOCKETS_PER_USER: envInt(1, 100)
      .default(3)
      .describe("Open WebSockets one user may hold on one gateway instance; a new one closes the oldest (code 4008)."),
    RATE_LIMIT_WS_UPGRADE_IP_POINTS: envInt(1, 1_000_000).default(30).describe("WebSocket upgrades per client IP per window."),
    RATE_LIMIT_WS_UPGRADE_WINDOW_SECONDS: envInt(1, 86_400).default(60).describe("That window."),
  })
  .superRefine(checkMysqlAuth)
  .superRefine((env, ctx) => {
    if (env.JWT_ALGORITHM === "HS256" && !env.JWT_SECRET)
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "is required when JWT_ALGORITHM=HS256" });
    if (env.JWT_ALGORITHM !== "HS256" && !env.JWT_PRIVATE_KEY)
      ctx.addIssue({ code: "custom", path: ["JWT_PRIVATE_KEY"], message: `is required when JWT_ALGORITHM=${env.JWT_ALGORITHM}` });
    const oidc = [env.OIDC_ISSUER, env.OIDC_JWKS_URL, env.OIDC_AUDIENCE];
    if (oidc.some((v) => v !== undefined) && oidc.some((v) => v === undefined))
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE are set together or not at all",
      });
    if (env.OIDC_ISSUER !== undefined && env.OIDC_ISSUER === env.JWT_ISSUER)
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "must differ from JWT_ISSUER (the issuer picks the verification key)",
      });
  });

/** The schema itself: the docs render its table and the infrastructure renders the pods' environment against it. */
export const gatewayEnvSchema = gatewayEnv;

export type GatewayConfig = z.infer<typeof gatewayEnv>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadEnv(gatewayEnv, env);
