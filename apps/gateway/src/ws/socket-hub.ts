import type { WebSocket } from "ws";
import type { GatewayMetrics } from "../gateway-metrics";

interface LiveSocket {
  socket: WebSocket;
  alive: boolean;
  expiryTimer: NodeJS.Timeout;
}

/** Close codes a client sees (4000–4999 are the application's own). */
export const WS_CLOSE = {
  /** The access token the socket was opened with has expired: refresh it and open a new socket. */
  tokenExpired: { code: 4001, reason: "token expired" },
  /** The user opened more sockets than allowed here: this, the oldest, made room for the newest. */
  replaced: { code: 4008, reason: "too many sockets for this user; the oldest was closed" },
  /** The gateway is going away: reconnect, the load balancer picks another one. */
  shuttingDown: { code: 1001, reason: "gateway shutting down" },
} as const;

/**
 * This instance's open WebSockets by user. A heartbeat pings every socket; one
 * that has not answered the previous ping is terminated (a phone that lost its
 * network never sends a close frame). A socket is also closed when its access
 * token expires, so a socket is never worth more than the token that opened it,
 * and a user holds at most `maxSocketsPerUser` here: a new one closes the oldest.
 */
export class SocketHub {
  private readonly byUser = new Map<string, Set<LiveSocket>>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly maxSocketsPerUser: number,
  ) {}

  add(userId: string, socket: WebSocket, expiresAtMs: number): void {
    const live: LiveSocket = {
      socket,
      alive: true,
      expiryTimer: setTimeout(
        () => socket.close(WS_CLOSE.tokenExpired.code, WS_CLOSE.tokenExpired.reason),
        Math.max(0, expiresAtMs - Date.now()),
      ),
    };
    live.expiryTimer.unref();
    const sockets = this.byUser.get(userId) ?? new Set<LiveSocket>();
    // Sets keep insertion order: the first entries are the oldest sockets.
    for (const old of [...sockets].slice(0, Math.max(0, sockets.size + 1 - this.maxSocketsPerUser))) {
      sockets.delete(old);
      old.socket.close(WS_CLOSE.replaced.code, WS_CLOSE.replaced.reason);
    }
    sockets.add(live);
    this.byUser.set(userId, sockets);
    this.metrics.sockets.inc();
    socket.on("pong", () => (live.alive = true));
    socket.once("close", () => {
      clearTimeout(live.expiryTimer);
      sockets.delete(live);
      if (sockets.size === 0) this.byUser.delete(userId);
      this.metrics.sockets.dec();
    });
  }

  hasUser(userId: string): boolean {
    return this.byUser.has(userId);
  }

  users(): string[] {
    return [...this.byUser.keys()];
  }

  /** Sends `message` to every open socket of the user; returns how many got it. */
  push(userId: string, message: string): number {
    let sent = 0;
    for (const live of this.byUser.get(userId) ?? []) {
      if (live.socket.readyState !== live.socket.OPEN) continue;
      live.socket.send(message);
      sent += 1;
    }
    return sent;
  }

  startHeartbeat(intervalMs: number, onBeat: () => void): void {
    this.heartbeat = setInterval(() => {
      for (const sockets of this.byUser.values()) {
        for (const live of sockets) {
          if (!live.alive) {
            this.metrics.deadSockets.inc();
            live.socket.terminate();
            continue;
          }
          live.alive = false;
          live.socket.ping();
        }
      }
      onBeat();
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Shutdown: clients reconnect, through the load balancer, to another instance. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const sockets of this.byUser.values())
      for (const live of sockets) live.socket.close(WS_CLOSE.shuttingDown.code, WS_CLOSE.shuttingDown.reason);
  }
}
