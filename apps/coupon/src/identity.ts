import type { Request } from "express";
import { forbidden, unauthenticated } from "../../lib/http/http-error";

/**
 * The gateway's header contract. The gateway authenticates the caller (JWT),
 * strips any client-sent copies of these headers and sets:
 *   x-user-id     decimal user id
 *   x-user-role   "user" (default) or "admin"
 *   x-gateway-id  the gateway instance holding the caller's WebSocket
 * This service is only reachable through the gateway, so it trusts them.
 */
export interface Identity {
  userId: string;
  role: "user" | "admin";
  gatewayId: string;
}

const USER_ID = /^[1-9][0-9]{0,18}$/;
const GATEWAY_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

export function requireIdentity(req: Request): Identity {
  const userId = header(req, "x-user-id");
  if (userId === undefined) throw unauthenticated("missing x-user-id (requests must come through the gateway)");
  if (!USER_ID.test(userId)) throw unauthenticated("x-user-id must be a positive decimal id");
  const role = header(req, "x-user-role") ?? "user";
  if (role !== "user" && role !== "admin") throw unauthenticated('x-user-role must be "user" or "admin"');
  const gatewayId = header(req, "x-gateway-id");
  if (gatewayId === undefined || !GATEWAY_ID.test(gatewayId)) throw unauthenticated("missing or malformed x-gateway-id");
  return { userId, role, gatewayId };
}

export function requireAdmin(req: Request): Identity {
  const identity = requireIdentity(req);
  if (identity.role !== "admin") throw forbidden("admin role required");
  return identity;
}
