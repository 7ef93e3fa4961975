import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { defineScript, type ScriptCall } from "../../../lib/clients/redis-script";

export interface LoginBackoffSettings {
  /** Failed logins an account may have in a row before back-off starts. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseSeconds: number;
  maxSeconds: number;
}

// KEYS: the account's failure record. ARGV: free failures, base ms, max ms.
// One more failure; past the free ones, the account waits base × 2^(extra − 1), capped.
// The record lives a day after the last failure, so a slow guesser still meets the wait.
const RECORD_FAILURE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local extra = failures - tonumber(ARGV[1])
local wait = 0
if extra > 0 then
  wait = math.floor(math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (extra - 1)))
  redis.call('HSET', KEYS[1], 'until', now + wait)
end
redis.call('PEXPIRE', KEYS[1], 86400000)
return wait
`;

// KEYS: the account's failure record. Returns the ms left to wait (0: may try now).
const WAIT_LEFT_LUA = `
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return math.max(0, untilMs - now)
`;

/**
 * Growing back-off per account against credential stuffing spread over many
 * addresses (the per-IP limit stops one address, not a botnet). It keys on the
 * email's hash whether the account exists or not, so the answers never tell which
 * emails are registered. The wait is checked before any password hashing, and a
 * successful login clears the record. Shared by every replica through Redis.
 */
export class LoginBackoff {
  private readonly recordFailure: ScriptCall;
  private readonly waitLeft: ScriptCall;

  constructor(
    private readonly redis: Redis,
    private readonly settings: LoginBackoffSettings,
  ) {
    this.recordFailure = defineScript(redis, "recordLoginFailure", 1, RECORD_FAILURE_LUA);
    this.waitLeft = defineScript(redis, "loginWaitLeft", 1, WAIT_LEFT_LUA);
  }

  /** Milliseconds this account must still wait before its next attempt. */
  async waitMs(email: string): Promise<number> {
    return Number(await this.waitLeft(keyOf(email)));
  }

  /** Records a failed attempt; returns the wait it starts (0 while failures are free). */
  async failed(email: string): Promise<number> {
    const { freeFailures, baseSeconds, maxSeconds } = this.settings;
    return Number(await this.recordFailure(keyOf(email), freeFailures, baseSeconds * 1000, maxSeconds * 1000));
  }

  async succeeded(email: string): Promise<void> {
    await this.redis.del(keyOf(email));
  }
}

const keyOf = (email: string) => `login-fail:${createHash("sha256").update(email).digest("hex")}`;
