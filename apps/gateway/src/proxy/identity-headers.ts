import type { Principal } from "../auth/principal";

/**
 * The header contract with the services behind the gateway (docs/SERVICES.md,
 * apps/coupon/src/identity.ts). The gateway forwards an allow-list of client
 * headers only, so a client-sent x-user-id, x-user-role or x-gateway-id never
 * reaches a service: these values come from the verified token and this instance.
 */
export const FORWARDED_CLIENT_HEADERS = ["accept", "accept-language", "content-type", "user-agent"] as const;

export function identityHeaders(principal: Principal, gatewayId: string): Record<string, string> {
  return { "x-user-id": principal.userId, "x-user-role": principal.role, "x-gateway-id": gatewayId };
}
