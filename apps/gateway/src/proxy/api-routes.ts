import { type Request, type RequestHandler, Router } from "express";
import { z } from "zod";
import { couponIdParams } from "../../../lib/flash-sale/coupon-id";
import { ORDER_ID_PATTERN } from "../../../lib/flash-sale/order-id";
import { parseParams } from "../../../lib/http/validate";
import { authenticate, principalOf, requireRole } from "../auth/authenticate";
import type { Principal } from "../auth/principal";
import type { TokenVerifier } from "../auth/token-verifier";
import type { InternalIdentity } from "../../../lib/internal-identity/claims";
import type { Presence } from "../ws/presence";
import type { SocketHub } from "../ws/socket-hub";
import type { Upstream } from "./upstream";

export interface ApiRouteDeps {
  verifier: TokenVerifier;
  coupon: Upstream;
  hub: SocketHub;
  presence: Presence;
  gatewayId: string;
  /** Per client IP and per user. */
  limitPurchases: RequestHandler[];
  /** Reads are limited too (per IP and per user): browsing is the cheapest way to load the catalog and Redis. */
  limitReads: RequestHandler[];
}

const orderIdParams = z.strictObject({ id: z.string().regex(ORDER_ID_PATTERN, "must be an order id returned by a purchase") });

/** Who coupon hears the request is from: the verified principal, and where their results go. */
const callerOf = (principal: Principal, gatewayId: string): InternalIdentity => ({
  userId: principal.userId,
  role: principal.role,
  gatewayId,
});

/** The query string as parsed here, serialised again: what reaches coupon is what was validated, not the raw bytes. */
function queryOf(req: Request): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) if (typeof value === "string") params.append(name, value);
  const query = params.toString();
  return query === "" ? "" : `?${query}`;
}

/**
 * /api/coupons… and /api/orders… go to the coupon service. The upstream path is
 * built from route parameters validated here and encoded, never from the raw URL,
 * so no path trick survives the hop (refuseTrickyTargets has refused the obvious
 * ones before routing). Every /api route needs a valid token; creating coupons
 * needs the admin role here already, so a user's attempt never reaches the service.
 */
export function apiRoutes(deps: ApiRouteDeps): Router {
  const router = Router();
  const forward =
    (pathOf: (req: Request) => string): RequestHandler =>
    (req, res) =>
      deps.coupon.forward(req, res, pathOf(req), callerOf(principalOf(res), deps.gatewayId));
  const couponPath = (req: Request) => `/coupons/${encodeURIComponent(parseParams(couponIdParams, req).id)}`;
  const orderPath = (req: Request) => `/orders/${encodeURIComponent(parseParams(orderIdParams, req).id)}`;

  router.use("/api", authenticate(deps.verifier));
  router.post(
    "/api/coupons",
    requireRole("admin"),
    forward(() => "/coupons"),
  );
  router.get(
    "/api/coupons",
    ...deps.limitReads,
    forward((req) => `/coupons${queryOf(req)}`),
  );
  router.get("/api/coupons/:id", ...deps.limitReads, forward(couponPath));
  router.get("/api/orders/:id", ...deps.limitReads, forward(orderPath));
  router.post("/api/coupons/:id/purchase", ...deps.limitPurchases, async (req, res) => {
    const path = `${couponPath(req)}/purchase`;
    const principal = principalOf(res);
    // The result goes to the instance holding the buyer's socket, which may be another replica.
    const holder = deps.hub.hasUser(principal.userId)
      ? deps.gatewayId
      : ((await deps.presence.holderOf(principal.userId)) ?? deps.gatewayId);
    await deps.coupon.forward(req, res, path, callerOf(principal, holder));
  });
  return router;
}
