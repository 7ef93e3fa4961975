import { type RequestHandler, Router } from "express";
import { authenticate, principalOf, requireRole } from "../auth/authenticate";
import type { TokenVerifier } from "../auth/token-verifier";
import type { Presence } from "../ws/presence";
import type { SocketHub } from "../ws/socket-hub";
import { identityHeaders } from "./identity-headers";
import type { Upstream } from "./upstream";

export interface ApiRouteDeps {
  verifier: TokenVerifier;
  coupon: Upstream;
  hub: SocketHub;
  presence: Presence;
  gatewayId: string;
  limitPurchaseByUser: RequestHandler;
}

const API_PREFIX = "/api";

/**
 * /api/coupons… and /api/orders… go to the coupon service under the same path
 * without /api. Every /api route needs a valid token; creating coupons needs the
 * admin role here already, so a user's attempt never reaches the service.
 */
export function apiRoutes(deps: ApiRouteDeps): Router {
  const router = Router();
  const upstreamPath = (originalUrl: string) => originalUrl.slice(API_PREFIX.length);
  const forward: RequestHandler = (req, res) =>
    deps.coupon.forward(req, res, upstreamPath(req.originalUrl), identityHeaders(principalOf(res), deps.gatewayId));

  router.use(API_PREFIX, authenticate(deps.verifier));
  router.post("/api/coupons", requireRole("admin"), forward);
  router.get("/api/coupons", forward);
  router.get("/api/coupons/:id", forward);
  router.get("/api/orders/:id", forward);
  router.post("/api/coupons/:id/purchase", deps.limitPurchaseByUser, async (req, res) => {
    const principal = principalOf(res);
    // The result goes to the instance holding the buyer's socket, which may be another replica.
    const holder = deps.hub.hasUser(principal.userId)
      ? deps.gatewayId
      : ((await deps.presence.holderOf(principal.userId)) ?? deps.gatewayId);
    await deps.coupon.forward(req, res, upstreamPath(req.originalUrl), identityHeaders(principal, holder));
  });
  return router;
}
