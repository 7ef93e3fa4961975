import type { IncomingMessage } from "node:http";

/**
 * The client's address as Express computes req.ip with `trust proxy` set to a hop
 * count, for the upgrade requests Express never sees: the peer, then the
 * X-Forwarded-For entries from the nearest one outwards; the first address past
 * the trusted hops is the client's. Entries further out are the client's own words.
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops: number): string {
  const forwarded = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .reverse();
  const addresses = [req.socket.remoteAddress ?? "unknown", ...forwarded];
  return addresses[Math.min(trustedProxyHops, addresses.length - 1)] ?? "unknown";
}
