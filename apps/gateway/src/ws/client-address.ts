import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/**
 * The client's address exactly as Express computes req.ip with `trust proxy` set to
 * a hop count (proxy-addr, which Express itself uses), for the upgrade requests
 * Express never routes: the first address past the trusted hops. Entries further
 * out in X-Forwarded-For are the client's own words.
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops: number): string {
  return proxyaddr(req, (_address, hop) => hop < trustedProxyHops);
}
