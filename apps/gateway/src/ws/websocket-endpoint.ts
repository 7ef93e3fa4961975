import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { Logger } from "../../../lib/logger";
import { bearerToken } from "../auth/authenticate";
import type { TokenVerifier } from "../auth/token-verifier";
import type { Presence } from "./presence";
import type { SocketHub } from "./socket-hub";

export interface WebSocketEndpointDeps {
  server: Server;
  verifier: TokenVerifier;
  hub: SocketHub;
  presence: Presence;
  gatewayId: string;
  maxPayloadBytes: number;
  isAcceptingTraffic: () => boolean;
  logger: Logger;
}

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: { code: reason, message: reason.replace(/_/g, " ") } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Browsers cannot set headers on a WebSocket, so the token may come as
 * ?access_token=…; other clients send Authorization: Bearer.
 */
function tokenOf(req: IncomingMessage): string | undefined {
  const fromHeader = bearerToken(req.headers.authorization);
  if (fromHeader) return fromHeader;
  return new URL(req.url ?? "/", "http://gateway").searchParams.get("access_token") ?? undefined;
}

/**
 * GET /ws: the token is verified before the upgrade completes, so an unauthenticated
 * client never holds a socket. The server only pushes; client messages are ignored.
 */
export function mountWebSocketEndpoint(deps: WebSocketEndpointDeps): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxPayloadBytes });
  deps.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      if (new URL(req.url ?? "/", "http://gateway").pathname !== "/ws") return refuse(socket, 404, "not_found");
      if (!deps.isAcceptingTraffic()) return refuse(socket, 503, "shutting_down");
      const token = tokenOf(req);
      if (!token) return refuse(socket, 401, "unauthenticated");
      let principal;
      try {
        principal = await deps.verifier.verify(token);
      } catch {
        return refuse(socket, 401, "unauthenticated");
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        deps.hub.add(principal.userId, ws, principal.expiresAtMs);
        ws.on("error", (err) => deps.logger.debug({ err }, "websocket error"));
        ws.once("close", () => {
          if (!deps.hub.hasUser(principal.userId)) deps.presence.withdraw(principal.userId).catch(() => undefined);
        });
        ws.send(JSON.stringify({ type: "welcome", gatewayId: deps.gatewayId, userId: principal.userId }));
        deps.presence
          .announce([principal.userId])
          .catch((err: unknown) => deps.logger.warn({ err }, "could not announce websocket presence"));
      });
    })().catch((err: unknown) => {
      deps.logger.error({ err }, "websocket upgrade failed");
      socket.destroy();
    });
  });
  return wss;
}
