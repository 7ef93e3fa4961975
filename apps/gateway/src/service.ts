import { type Server, createServer } from "node:http";
import cors from "cors";
import type { Redis } from "ioredis";
import type { Pool } from "mysql2/promise";
import type { Registry } from "prom-client";
import { finishApp } from "../../lib/http/create-app";
import { type Logger, createLogger } from "../../lib/logger";
import { ServiceRuntime } from "../../lib/service-runtime";
import { Accounts } from "./auth/accounts";
import { principalOf } from "./auth/authenticate";
import { authRoutes } from "./auth/auth-routes";
import { loadSigningKeys } from "./auth/signing-keys";
import { TokenIssuer } from "./auth/token-issuer";
import { TokenVerifier } from "./auth/token-verifier";
import { INTERNAL_AUDIENCES } from "../../lib/internal-identity/claims";
import type { GatewayConfig } from "./config";
import { type GatewayMetrics, createGatewayMetrics } from "./gateway-metrics";
import { AccountStates } from "./auth/account-state";
import { HashGate } from "./auth/hash-gate";
import { RefreshTokens } from "./auth/refresh-tokens";
import { TokenVersions } from "./auth/token-versions";
import { LoginBackoff } from "./limits/login-backoff";
import { createLimiter, rateLimit } from "./limits/rate-limit";
import { apiRoutes } from "./proxy/api-routes";
import { InternalTokenSigner } from "./proxy/internal-token-signer";
import { refuseTrickyTargets } from "./proxy/request-target";
import { Upstream } from "./proxy/upstream";
import { PaymentUpdates } from "./ws/payment-updates";
import { Presence } from "./ws/presence";
import { SocketHub } from "./ws/socket-hub";
import { mountWebSocketEndpoint } from "./ws/websocket-endpoint";
import { wsTicketRoute } from "./ws/ticket-route";
import { WsTickets } from "./ws/ws-tickets";

export interface GatewayService {
  server: Server;
  port: number;
  /** Where GET /metrics answers (a port of its own). */
  metricsPort: number;
  gatewayId: string;
  redis: Redis;
  pool: Pool;
  registry: Registry;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Close sockets, stop accepting, drain HTTP, unsubscribe, close clients. Idempotent. */
  shutdown: () => Promise<void>;
}

/** Wires the gateway from its config and starts it; the entry point and the tests both use this. */
export async function startGatewayService(
  config: GatewayConfig,
  logger: Logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL),
): Promise<GatewayService> {
  const runtime = await ServiceRuntime.start(config, logger);
  const { registry, redis, pool } = runtime;
  const metrics = createGatewayMetrics(registry);
  const gatewayId = config.GATEWAY_ID;

  const keys = await loadSigningKeys(config);
  const accounts = new Accounts(pool);
  const issuer = new TokenIssuer(keys, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_ACCESS_TTL_SECONDS,
  });
  const external =
    config.OIDC_ISSUER && config.OIDC_JWKS_URL && config.OIDC_AUDIENCE
      ? {
          issuer: config.OIDC_ISSUER,
          jwksUrl: config.OIDC_JWKS_URL,
          audience: config.OIDC_AUDIENCE,
          rolesClaim: config.OIDC_ROLES_CLAIM,
          adminRole: config.OIDC_ADMIN_ROLE,
        }
      : undefined;
  const states = new AccountStates(pool);
  const versions = new TokenVersions(redis, states, config.TOKEN_VERSION_CACHE_SECONDS);
  const verifier = new TokenVerifier(
    keys,
    { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, clockToleranceSeconds: config.JWT_CLOCK_TOLERANCE_SECONDS },
    accounts,
    versions,
    external,
  );

  const authLimiter = createLimiter(redis, {
    name: "auth-ip",
    points: config.RATE_LIMIT_AUTH_POINTS,
    windowSeconds: config.RATE_LIMIT_AUTH_WINDOW_SECONDS,
  });
  const purchaseByIp = createLimiter(redis, {
    name: "purchase-ip",
    points: config.RATE_LIMIT_PURCHASE_IP_POINTS,
    windowSeconds: config.RATE_LIMIT_PURCHASE_WINDOW_SECONDS,
  });
  const registerByIp = createLimiter(redis, {
    name: "register-ip",
    points: config.RATE_LIMIT_REGISTER_IP_POINTS,
    windowSeconds: config.RATE_LIMIT_REGISTER_WINDOW_SECONDS,
  });
  const purchaseLimiter = createLimiter(redis, {
    name: "purchase-user",
    points: config.RATE_LIMIT_PURCHASE_POINTS,
    windowSeconds: config.RATE_LIMIT_PURCHASE_WINDOW_SECONDS,
  });
  const readLimit = (name: string, points: number) =>
    createLimiter(redis, { name, points, windowSeconds: config.RATE_LIMIT_READ_WINDOW_SECONDS });
  const readByUser = readLimit("read-user", config.RATE_LIMIT_READ_USER_POINTS);
  const readByIp = readLimit("read-ip", config.RATE_LIMIT_READ_IP_POINTS);
  const coupon = new Upstream(
    {
      baseUrl: config.COUPON_URL,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      maxSockets: config.UPSTREAM_MAX_SOCKETS,
      audience: INTERNAL_AUDIENCES.coupon,
    },
    metrics,
    InternalTokenSigner.fromConfig(config),
  );
  const hub = new SocketHub(metrics, config.WS_MAX_SOCKETS_PER_USER);
  const tickets = new WsTickets(redis, config.WS_TICKET_TTL_SECONDS);
  const upgradesPerIp = createLimiter(redis, {
    name: "ws-upgrade-ip",
    points: config.RATE_LIMIT_WS_UPGRADE_IP_POINTS,
    windowSeconds: config.RATE_LIMIT_WS_UPGRADE_WINDOW_SECONDS,
  });
  // Three missed heartbeats and a dead instance's presence entries are gone.
  const presence = new Presence(redis, gatewayId, 3 * config.WS_HEARTBEAT_MS);
  const updates = new PaymentUpdates(redis.duplicate(), gatewayId, hub, metrics, logger.child({ component: "payment-updates" }));

  const app = runtime.createApp({
    browserFacing: true,
    // A coupon outage shows as 502s, but dropping every gateway from the load balancer would not help.
    optional: {
      coupon: async () => {
        const response = await fetch(new URL("/health/ready", config.COUPON_URL), { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) throw new Error(`coupon answered ${response.status}`);
      },
    },
  });
  // The client IP (per-IP limits, logs) is the address the trusted proxies saw, not a client-written X-Forwarded-For.
  app.set("trust proxy", config.TRUSTED_PROXY_HOPS);
  app.use(refuseTrickyTargets());
  app.use(
    cors({
      origin: config.CORS_ORIGINS ?? false,
      methods: ["GET", "POST"],
      allowedHeaders: ["authorization", "content-type", "x-request-id"],
      exposedHeaders: ["location", "retry-after", "x-request-id"],
      maxAge: 600,
    }),
  );
  app.use(
    authRoutes({
      accounts,
      issuer,
      metrics,
      passwordMinLength: config.PASSWORD_MIN_LENGTH,
      hashing: new HashGate(config.PASSWORD_HASH_CONCURRENCY, config.PASSWORD_HASH_QUEUE),
      states,
      versions,
      refreshTokens: new RefreshTokens(pool, config.JWT_REFRESH_TTL_SECONDS),
      refreshTtlSeconds: config.JWT_REFRESH_TTL_SECONDS,
      backoff: new LoginBackoff(redis, {
        freeFailures: config.LOGIN_FREE_FAILURES,
        baseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS,
        maxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS,
      }),
      limitByIp: rateLimit(authLimiter, (req) => req.ip ?? "unknown", metrics.rateLimited, "auth-ip"),
      limitRegistrationsByIp: rateLimit(registerByIp, (req) => req.ip ?? "unknown", metrics.rateLimited, "register-ip"),
    }),
  );
  const limitReads = [
    rateLimit(readByIp, (req) => req.ip ?? "unknown", metrics.rateLimited, "read-ip"),
    rateLimit(readByUser, (_req, res) => principalOf(res).userId, metrics.rateLimited, "read-user"),
  ];
  app.use(wsTicketRoute({ verifier, tickets, limits: limitReads }));
  app.use(
    apiRoutes({
      verifier,
      coupon,
      hub,
      presence,
      gatewayId,
      limitPurchases: [
        rateLimit(purchaseByIp, (req) => req.ip ?? "unknown", metrics.rateLimited, "purchase-ip"),
        rateLimit(purchaseLimiter, (_req, res) => principalOf(res).userId, metrics.rateLimited, "purchase-user"),
      ],
      limitReads,
    }),
  );
  finishApp(app);

  const server = createServer(app);
  const wss = mountWebSocketEndpoint({
    server,
    verifier,
    tickets,
    hub,
    presence,
    allowedOrigins: config.CORS_ORIGINS ?? [],
    upgradesPerIp,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    maxPayloadBytes: config.WS_MAX_PAYLOAD_BYTES,
    isAcceptingTraffic: () => runtime.isAcceptingTraffic(),
    metrics,
    logger: logger.child({ component: "websocket" }),
  });
  await updates.start();
  hub.startHeartbeat(config.WS_HEARTBEAT_MS, () => {
    presence.announce(hub.users()).catch((err: unknown) => logger.warn({ err }, "could not refresh websocket presence"));
  });
  const { port, shutdown } = await runtime.serve(server, {
    // Upgraded sockets are not HTTP requests: close them now or the HTTP drain would wait for them.
    onBegin: () => hub.closeAll(),
    steps: [
      { name: "websocket server", run: () => new Promise<void>((resolve) => wss.close(() => resolve())) },
      { name: "payment updates", run: () => updates.stop() },
      { name: "upstream connections", run: async () => coupon.close() },
    ],
  });
  logger.info({ port, gatewayId, coupon: config.COUPON_URL }, "gateway listening");
  return { server, port, metricsPort: runtime.metricsPort, gatewayId, redis, pool, registry, metrics, logger, shutdown };
}
