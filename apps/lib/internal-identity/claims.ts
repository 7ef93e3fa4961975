/**
 * The signed identity the gateway attaches to every request it forwards to a
 * service behind it (docs/SECURITY.md). A service trusts nothing else: no header,
 * no source address. The token is a JWT in `Authorization: Bearer`, signed with
 * ES256 by the gateway's current key (its `kid` picks the key in the service's set).
 */
export const INTERNAL_TOKEN_ALGORITHM = "ES256";
/** iss of every internal token: only the gateway mints them. */
export const INTERNAL_TOKEN_ISSUER = "coupon-platform-gateway";

/** The aud of a token for each service behind the gateway: a token for one is refused by every other. */
export const INTERNAL_AUDIENCES = { coupon: "coupon" } as const;

export const USER_ID_PATTERN = /^[1-9][0-9]{0,18}$/;
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export type Role = "user" | "admin";

/** Who a forwarded request acts for, as the gateway established it. */
export interface InternalIdentity {
  userId: string;
  role: Role;
  /** The gateway instance holding the caller's WebSocket: where the order's result is pushed. */
  gatewayId: string;
}

/** The claims beyond the registered ones (sub = user id, aud = the target service). */
export interface InternalClaims {
  role: Role;
  gid: string;
}
