import { type RequestHandler, Router } from "express";
import { authenticate, principalOf } from "../auth/authenticate";
import type { TokenVerifier } from "../auth/token-verifier";
import type { WsTickets } from "./ws-tickets";

export interface TicketRouteDeps {
  verifier: TokenVerifier;
  tickets: WsTickets;
  /** The per-IP and per-user limits of cheap authenticated calls. */
  limits: RequestHandler[];
}

/**
 * POST /auth/ws-ticket (Authorization: Bearer): a one-time ticket for GET /ws?ticket=…,
 * so a browser never puts its access token in a URL. 201 {ticket, expiresInSeconds}.
 */
export function wsTicketRoute(deps: TicketRouteDeps): Router {
  const router = Router();
  router.post("/auth/ws-ticket", authenticate(deps.verifier), ...deps.limits, async (_req, res) => {
    res
      .status(201)
      .set("cache-control", "no-store")
      .json(await deps.tickets.issue(principalOf(res)));
  });
  return router;
}
