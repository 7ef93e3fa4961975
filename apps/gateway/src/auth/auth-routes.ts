import { type RequestHandler, Router } from "express";
import { z } from "zod";
import { HttpError, conflict } from "../../../lib/http/http-error";
import { parseJsonBody } from "../../../lib/http/validate";
import type { GatewayMetrics } from "../gateway-metrics";
import type { LoginBackoff } from "../limits/login-backoff";
import type { Accounts } from "./accounts";
import type { HashGate } from "./hash-gate";
import { DECOY_HASH_PROMISE, hashPassword, needsRehash, verifyPassword } from "./password-hash";
import type { TokenIssuer } from "./token-issuer";

export interface AuthRouteDeps {
  accounts: Accounts;
  issuer: TokenIssuer;
  metrics: GatewayMetrics;
  passwordMinLength: number;
  /** The per-IP limit; runs before any password hashing, which is the expensive part. */
  limitByIp: RequestHandler;
  /** The per-account back-off after failed logins. */
  backoff: LoginBackoff;
  /** Bounds concurrent password hashing. */
  hashing: HashGate;
}

const email = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase());

const invalidCredentials = () => new HttpError(401, "invalid_credentials", "email or password is wrong");
const tooManyFailures = (waitMs: number) =>
  new HttpError(429, "login_backoff", "too many failed logins for this account; retry later", {
    "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))),
  });

/** POST /auth/register and /auth/login: email + password, answered with a short-lived access token. */
export function authRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  const registerBody = z.strictObject({ email, password: z.string().min(deps.passwordMinLength).max(256) });
  const loginBody = z.strictObject({ email, password: z.string().min(1).max(256) });

  router.post("/auth/register", deps.limitByIp, async (req, res) => {
    const input = parseJsonBody(registerBody, req);
    const account = await deps.accounts.register(input.email, await deps.hashing.run(() => hashPassword(input.password)));
    deps.metrics.authAttempts.inc({ action: "register", result: account ? "ok" : "taken" });
    if (!account) throw conflict("email_taken", "an account with this email exists");
    res.status(201).json({ userId: account.userId, email: account.email, role: account.role, ...(await deps.issuer.issue(account)) });
  });

  router.post("/auth/login", deps.limitByIp, async (req, res) => {
    const input = parseJsonBody(loginBody, req);
    const waitMs = await deps.backoff.waitMs(input.email);
    if (waitMs > 0) {
      deps.metrics.authAttempts.inc({ action: "login", result: "backing_off" });
      throw tooManyFailures(waitMs);
    }
    const account = await deps.accounts.byEmail(input.email);
    // Unknown emails cost a hash too, so the answer time does not tell which emails exist.
    const stored = account?.passwordHash ?? (await DECOY_HASH_PROMISE);
    const valid = await deps.hashing.run(() => verifyPassword(input.password, stored));
    deps.metrics.authAttempts.inc({ action: "login", result: account && valid ? "ok" : "refused" });
    if (!account || !valid) {
      await deps.backoff.failed(input.email);
      throw invalidCredentials();
    }
    await deps.backoff.succeeded(input.email);
    // A hash made at an older, lower cost is replaced now, while the password is at hand.
    if (needsRehash(stored))
      await deps.accounts.replacePasswordHash(account.userId, await deps.hashing.run(() => hashPassword(input.password)));
    res.json({ userId: account.userId, role: account.role, ...(await deps.issuer.issue(account)) });
  });
  return router;
}
