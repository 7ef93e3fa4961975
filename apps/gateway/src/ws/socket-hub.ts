import type { WebSocket } from "ws";
import type { GatewayMetrics } from "../gateway-metrics";

interface LiveSocket {
  socket: WebSocket;
  alive: boolean;
  expiryTimer: NodeJS.Timeout;
}

/**
 * This instance's open WebSockets by user. A heartbeat pings every socket; one
 * that has not answered the previous ping is terminated (a phone that lost its
 * network never sends a close frame). A socket is also closed when its access
 * token expires, so a socket is never worth more than the token that opened it.
 */
export class SocketHub {
  private readonly byUser = new Map<string, Set<LiveSocket>>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly metrics: GatewayMetrics) {}

  add(userId: string, socket: WebSocket, expiresAtMs: number): void {
    const live: LiveSocket = {
      socket,
      alive: true,
      expiryTimer: setTimeout(() => socket.close(4001, "token expired"), Math.max(0, expiresAtMs - Date.now())),
    };
    live.expiryTimer.unref();
    const sockets = this.byUser.get(userId) ?? new Set<LiveSocket>();
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
    for (const sockets of this.byUser.values()) for (const live of sockets) live.socket.close(1001, "gateway shutting down");
  }
}
