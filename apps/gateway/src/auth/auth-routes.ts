import { type RequestHandler, Router } from "express";
import { z } from "zod";
import { HttpError } from "../../../lib/http/http-error";
import { parseJsonBody } from "../../../lib/http/validate";
import type { GatewayMetrics } from "../gateway-metrics";
import type { LoginBackoff } from "../limits/login-backoff";
import type { AccountStates } from "./account-state";
import type { Account, Accounts } from "./accounts";
import type { RefreshTokens } from "./refresh-tokens";
import type { TokenVersions } from "./token-versions";
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
  /** New accounts per IP, on top of the per-IP auth limit. */
  limitRegistrationsByIp: RequestHandler;
  /** The per-account back-off after failed logins. */
  backoff: LoginBackoff;
  /** Bounds concurrent password hashing. */
  hashing: HashGate;
  states: AccountStates;
  versions: TokenVersions;
  refreshTokens: RefreshTokens;
  refreshTtlSeconds: number;
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

/**
 * POST /auth/register, /auth/login, /auth/refresh and /auth/logout. Registration
 * answers the same whether or not the email is taken (the owner finds out by
 * signing in); login and refresh answer an access token with a refresh token.
 */
export function authRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  const registerBody = z.strictObject({ email, password: z.string().min(deps.passwordMinLength).max(256) });
  const loginBody = z.strictObject({ email, password: z.string().min(1).max(256) });
  const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(256) });
  const logoutBody = z.strictObject({ refreshToken: z.string().min(1).max(256), everywhere: z.boolean().optional() });

  /** An access token carrying the account's current token version, and the next refresh token of its session. */
  async function session(account: Account, tokenVersion: number, refreshToken: string) {
    // Just read from MySQL: cached now, the session's first requests skip that read.
    await deps.versions.remember(account.userId, tokenVersion);
    return {
      userId: account.userId,
      role: account.role,
      ...(await deps.issuer.issue(account, tokenVersion)),
      refreshToken,
      refreshExpiresIn: deps.refreshTtlSeconds,
    };
  }

  router.post("/auth/register", deps.limitByIp, deps.limitRegistrationsByIp, async (req, res) => {
    const input = parseJsonBody(registerBody, req);
    // The hash is computed either way, so a taken email costs the same time as a new one.
    const account = await deps.accounts.register(input.email, await deps.hashing.run(() => hashPassword(input.password)));
    deps.metrics.authAttempts.inc({ action: "register", result: account ? "ok" : "taken" });
    res.status(202).json({ status: "accepted", message: "sign in with this email and password" });
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
    // A disabled account answers like a wrong password: nothing tells the caller more.
    const state = account && valid ? await deps.states.of(account.userId) : undefined;
    deps.metrics.authAttempts.inc({ action: "login", result: state && !state.disabled ? "ok" : "refused" });
    if (!account || !state || state.disabled) {
      await deps.backoff.failed(input.email);
      throw invalidCredentials();
    }
    await deps.backoff.succeeded(input.email);
    // A hash made at an older, lower cost is replaced now, while the password is at hand.
    if (needsRehash(stored))
      await deps.accounts.replacePasswordHash(account.userId, await deps.hashing.run(() => hashPassword(input.password)));
    res.json(await session(account, state.tokenVersion, await deps.refreshTokens.start(account.userId)));
  });

  router.post("/auth/refresh", deps.limitByIp, async (req, res) => {
    const input = parseJsonBody(refreshBody, req);
    const rotation = await deps.refreshTokens.rotate(input.refreshToken);
    if (rotation.kind === "reused") {
      // A spent token came back: someone holds a copy. Its family is gone; every access token of the account goes too.
      await deps.versions.revokeAll(rotation.accountId);
      deps.metrics.authAttempts.inc({ action: "refresh", result: "reused" });
      throw new HttpError(401, "refresh_token_reused", "this refresh token was used before; the session is revoked, sign in again");
    }
    const account = rotation.kind === "rotated" ? await deps.accounts.byId(rotation.accountId) : undefined;
    const state = account ? await deps.states.of(account.userId) : undefined;
    if (rotation.kind !== "rotated" || !account || !state || state.disabled) {
      if (rotation.kind === "rotated") await deps.refreshTokens.revokeFamilyOf(rotation.refreshToken);
      deps.metrics.authAttempts.inc({ action: "refresh", result: "refused" });
      throw new HttpError(401, "invalid_refresh_token", "the refresh token is unknown, expired or revoked; sign in again");
    }
    deps.metrics.authAttempts.inc({ action: "refresh", result: "ok" });
    res.json(await session(account, state.tokenVersion, rotation.refreshToken));
  });

  router.post("/auth/logout", deps.limitByIp, async (req, res) => {
    const input = parseJsonBody(logoutBody, req);
    const accountId = await deps.refreshTokens.revokeFamilyOf(input.refreshToken);
    if (accountId !== undefined && input.everywhere) {
      await deps.refreshTokens.revokeAccount(accountId);
      await deps.versions.revokeAll(accountId);
    }
    res.status(204).end();
  });
  return router;
}
