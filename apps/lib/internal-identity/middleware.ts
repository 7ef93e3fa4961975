import type { RequestHandler, Response } from "express";
import type { InternalIdentity } from "./claims";
import type { InternalIdentityVerifier } from "./verifier";

/**
 * Every route mounted after this one needs the gateway's signed identity; without
 * a valid one the request ends here with 401. Health probes are mounted before it.
 */
export function requireInternalIdentity(verifier: InternalIdentityVerifier): RequestHandler {
  return (req, res, next) => {
    res.locals.identity = verifier.verify(req.headers.authorization);
    next();
  };
}

/** The verified identity of the request being answered (requireInternalIdentity ran first). */
export function identityOf(res: Response): InternalIdentity {
  const identity = res.locals.identity as InternalIdentity | undefined;
  if (!identity) throw new Error("identityOf called on a route mounted before requireInternalIdentity");
  return identity;
}
