import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Principal } from "../auth/principal";

const ticketKey = (ticket: string) => `ws-ticket:${createHash("sha256").update(ticket).digest("hex")}`;
const TICKET = /^[A-Za-z0-9_-]{43}$/;
const storedPrincipal = z.object({ userId: z.string().min(1), role: z.enum(["user", "admin"]), expiresAtMs: z.number().int() });

/**
 * One-time tickets that open a WebSocket. A browser cannot set headers on a
 * WebSocket, so something must travel in the URL, where proxies and logs keep it:
 * a ticket is worth one upgrade within seconds, unlike the access token it stands
 * for. Redis holds only the ticket's hash, shared by every replica, and GETDEL
 * spends it atomically: a replayed ticket finds nothing.
 */
export class WsTickets {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  /** A ticket for this principal; the socket it opens still closes when the access token would have expired. */
  async issue(principal: Principal): Promise<{ ticket: string; expiresInSeconds: number }> {
    const ticket = randomBytes(32).toString("base64url");
    const stored: Principal = { userId: principal.userId, role: principal.role, expiresAtMs: principal.expiresAtMs };
    await this.redis.set(ticketKey(ticket), JSON.stringify(stored), "EX", this.ttlSeconds);
    return { ticket, expiresInSeconds: this.ttlSeconds };
  }

  /** The principal the ticket was issued to, once; undefined for an unknown, spent, expired or malformed ticket. */
  async redeem(ticket: string): Promise<Principal | undefined> {
    if (!TICKET.test(ticket)) return undefined;
    const raw = await this.redis.getdel(ticketKey(ticket));
    if (raw === null) return undefined;
    const principal = storedPrincipal.parse(JSON.parse(raw));
    return principal.expiresAtMs > Date.now() ? principal : undefined;
  }
}
