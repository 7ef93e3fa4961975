import { Counter, Gauge, type Registry } from "prom-client";

export function createGatewayMetrics(registry: Registry) {
  return {
    authAttempts: new Counter({
      name: "gateway_auth_attempts_total",
      help: "Register and login attempts by outcome",
      labelNames: ["action", "result"] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "gateway_rate_limited_total",
      help: "Requests refused with 429, by limit",
      labelNames: ["limit"] as const,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "gateway_upstream_errors_total",
      help: "Upstream calls that failed, by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    sockets: new Gauge({ name: "gateway_websockets_open", help: "Open WebSocket connections on this instance", registers: [registry] }),
    pushed: new Counter({
      name: "gateway_payment_updates_pushed_total",
      help: "Payment results written to buyers' sockets",
      registers: [registry],
    }),
    undeliverable: new Counter({
      name: "gateway_payment_updates_undeliverable_total",
      help: "Payment results for buyers with no open socket here (they read GET /api/orders/:id)",
      registers: [registry],
    }),
    deadSockets: new Counter({
      name: "gateway_websockets_dropped_total",
      help: "Sockets dropped by the heartbeat (no pong)",
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
