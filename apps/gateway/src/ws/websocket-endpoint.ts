import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { RateLimiterRedis } from "rate-limiter-flexible";
import { WebSocketServer } from "ws";
import { HttpError } from "../../../lib/http/http-error";
import type { Logger } from "../../../lib/logger";
import { bearerToken } from "../auth/authenticate";
import type { Principal } from "../auth/principal";
import type { TokenVerifier } from "../auth/token-verifier";
import type { GatewayMetrics } from "../gateway-metrics";
import { spendPoint } from "../limits/rate-limit";
import { clientAddress } from "./client-address";
import type { Presence } from "./presence";
import type { SocketHub } from "./socket-hub";
import type { WsTickets } from "./ws-tickets";

export interface WebSocketEndpointDeps {
  server: Server;
  verifier: TokenVerifier;
  tickets: WsTickets;
  hub: SocketHub;
  presence: Presence;
  /** Browser origins that may open a socket; a request without Origin (not a browser) is not judged by it. */
  allowedOrigins: readonly string[];
  /** Upgrades per client address, shared by every replica. */
  upgradesPerIp: RateLimiterRedis;
  trustedProxyHops: number;
  maxPayloadBytes: number;
  isAcceptingTraffic: () => boolean;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** Answers an upgrade request with a plain HTTP error in the platform's error shape and closes the connection. */
function refuse(socket: Duplex, refusal: HttpError): void {
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  const headers = Object.entries(refusal.headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${refusal.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers.join("")}Connection: close\r\n\r\n${body}`,
  );
}

const unauthenticated = () =>
  new HttpError(
    401,
    "unauthenticated",
    "a WebSocket needs ?ticket= from POST /auth/ws-ticket, or Authorization: Bearer from a non-browser client",
  );

/**
 * GET /ws. Before the upgrade completes: the Origin must be allowed, the client's
 * address within its upgrade budget, and the caller known by a one-time ticket
 * (browsers) or a Bearer header (other clients). An access token in the URL is
 * refused outright: URLs end up in logs and proxies. The server only pushes;
 * client messages are ignored.
 */
export function mountWebSocketEndpoint(deps: WebSocketEndpointDeps): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxPayloadBytes });

  async function admit(req: IncomingMessage): Promise<Principal> {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (url.pathname !== "/ws") throw new HttpError(404, "not_found", "no such endpoint");
    if (!deps.isAcceptingTraffic()) throw new HttpError(503, "shutting_down", "this gateway is shutting down; reconnect");
    const origin = req.headers.origin;
    if (origin !== undefined && !deps.allowedOrigins.includes(origin))
      throw new HttpError(403, "origin_not_allowed", `origin ${origin.slice(0, 200)} may not open a WebSocket here`);
    await spendPoint(deps.upgradesPerIp, clientAddress(req, deps.trustedProxyHops), deps.metrics.rateLimited, "ws-upgrade-ip");
    if (url.searchParams.has("access_token"))
      throw new HttpError(
        400,
        "token_in_url",
        "access tokens in the URL are refused; open the socket with ?ticket= from POST /auth/ws-ticket",
      );
    const ticket = url.searchParams.get("ticket");
    if (ticket !== null) {
      const principal = await deps.tickets.redeem(ticket);
      if (!principal)
        throw new HttpError(401, "invalid_ticket", "the ticket is unknown, spent or expired; ask POST /auth/ws-ticket for a new one");
      return principal;
    }
    const token = bearerToken(req.headers.authorization);
    if (!token) throw unauthenticated();
    try {
      return await deps.verifier.verify(token);
    } catch {
      throw unauthenticated();
    }
  }

  deps.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    admit(req).then(
      (principal) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          deps.hub.add(principal.userId, ws, principal.expiresAtMs);
          ws.on("error", (err) => deps.logger.debug({ err }, "websocket error"));
          ws.once("close", () => {
            if (!deps.hub.hasUser(principal.userId)) deps.presence.withdraw(principal.userId).catch(() => undefined);
          });
          // No instance name: which pod holds the socket is the platform's business, not the client's.
          ws.send(JSON.stringify({ type: "welcome", userId: principal.userId, expiresAtMs: principal.expiresAtMs }));
          deps.presence
            .announce([principal.userId])
            .catch((err: unknown) => deps.logger.warn({ err }, "could not announce websocket presence"));
        }),
      (err: unknown) => {
        if (err instanceof HttpError) return refuse(socket, err);
        deps.logger.error({ err }, "websocket upgrade failed");
        socket.destroy();
      },
    );
  });
  return wss;
}
