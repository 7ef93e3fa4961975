import type { Response } from "express";
import { forbidden } from "../../lib/http/http-error";
import type { InternalIdentity } from "../../lib/internal-identity/claims";
import { identityOf } from "../../lib/internal-identity/middleware";

/** The signed identity (verified for every route but the probes, see service.ts) must carry the admin role. */
export function requireAdmin(res: Response): InternalIdentity {
  const identity = identityOf(res);
  if (identity.role !== "admin") throw forbidden("admin role required");
  return identity;
}
