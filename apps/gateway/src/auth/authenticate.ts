import type { Request, RequestHandler, Response } from "express";
import { HttpError, forbidden } from "../../../lib/http/http-error";
import type { Role } from "./accounts";
import type { Principal } from "./principal";
import type { TokenVerifier } from "./token-verifier";

const missingToken = () =>
  new HttpError(401, "unauthenticated", "an access token is required (Authorization: Bearer …)", { "www-authenticate": "Bearer" });

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header ?? "");
  return match?.[1];
}

/** Verifies the caller's token and keeps who they are for the next handlers (res.locals.principal). */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw missingToken();
    res.locals.principal = await verifier.verify(token);
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw missingToken();
  return principal;
}

export function requireRole(role: Role): RequestHandler {
  return (_req: Request, res, next) => {
    if (principalOf(res).role !== role) throw forbidden(`${role} role required`);
    next();
  };
}
