/**
 * What each service may do in Redis (docs/SECURITY.md): the one source for the
 * ACL users made with ACL SETUSER on a local Redis and the ElastiCache users of a
 * stack. Key and channel patterns follow keys.ts and the payment_update channel;
 * commands are exactly those the service (and the Lua scripts it runs) calls, so
 * a compromised gateway can neither touch a sale nor publish a "paid" result.
 */
export type RedisService = "gateway" | "coupon" | "payment";

export interface RedisAcl {
  /** Key glob patterns (Redis ACL ~). */
  readonly keys: readonly string[];
  /** Key glob patterns it may only read (Redis 7 ACL %R~): no command may write them. */
  readonly readOnlyKeys?: readonly string[];
  /** Pub/sub channel patterns (Redis ACL &); none means no channel at all. */
  readonly channels: readonly string[];
  /** Commands (and subcommands as command|sub) allowed on top of -@all. */
  readonly commands: readonly string[];
}

/** A service's ACL user name, the same on a local Redis and on ElastiCache. */
export const redisUserName = (service: RedisService) => `coupon-platform-${service}`;

/**
 * What every client needs to connect: ioredis's ready check (INFO), a logical database, health pings. Whole
 * commands only: ElastiCache documents `|` in access strings for blocking a subcommand, not for granting one,
 * so the clients send no CLIENT SETNAME and need no part of CLIENT.
 */
const CONNECTION = ["ping", "info", "select", "quit"];
/** ioredis runs scripts by SHA and re-sends them with EVAL after NOSCRIPT; each call inside is checked against the same ACL. */
const SCRIPTS = ["evalsha", "eval"];

export const REDIS_ACLS: Readonly<Record<RedisService, RedisAcl>> = {
  // Rate-limit counters (rate-limiter-flexible), login back-off, token versions, socket presence and WebSocket tickets;
  // listens for the results of its own buyers.
  gateway: {
    keys: ["rate-limit:*", "gateway-presence:*", "ws-ticket:*", "login-fail:*", "token-version:*"],
    channels: ["payment_update:*"],
    commands: [
      ...CONNECTION,
      ...SCRIPTS,
      "get",
      "set",
      "getdel",
      "del",
      "hget",
      "hset",
      "hincrby",
      "pexpire",
      "time",
      "incrby",
      "pttl",
      "expire",
      "multi",
      "exec",
      "subscribe",
      "unsubscribe",
    ],
  },
  // The sales (stock, buyers, orders, outboxes), the catalog cache and its fill locks; publishes nothing.
  coupon: {
    keys: ["coupon:*", "coupon-outboxes", "coupon-catalog:*", "lock:coupon-catalog:*", "credit:{user:*}"],
    channels: [],
    commands: [
      ...CONNECTION,
      ...SCRIPTS,
      "get",
      "set",
      "del",
      "exists",
      "incr",
      "decr",
      "decrby",
      "hget",
      "hdel",
      "hmget",
      "hset",
      "sadd",
      "srem",
      "smembers",
      "zadd",
      "zrem",
      "zcard",
      "zrangebyscore",
      "time",
    ],
  },
  // The rollback script's keys (an order's status, the stock it returns, the buyer set it frees, the credit it gives back,
  // the cool-down of a buyer refused for credit) and the results it publishes.
  payment: {
    keys: ["coupon:{*}:order-status", "coupon:{*}:stock", "coupon:{*}:buyers", "coupon:{*}:credit-cooldowns", "credit:{user:*}"],
    // The reservation coupon recorded, which an order event must match before any money moves.
    readOnlyKeys: ["coupon:{*}:orders"],
    channels: ["payment_update:*"],
    commands: [...CONNECTION, ...SCRIPTS, "hget", "hset", "hdel", "exists", "incr", "incrby", "time", "publish"],
  },
};

/**
 * The ACL rules of a service as Redis and ElastiCache access strings write them,
 * without the password part: e.g. "on ~coupon:* resetchannels -@all +get …".
 */
export function accessString(service: RedisService): string {
  const acl = REDIS_ACLS[service];
  return [
    "on",
    ...acl.keys.map((pattern) => `~${pattern}`),
    ...(acl.readOnlyKeys ?? []).map((pattern) => `%R~${pattern}`),
    "resetchannels",
    ...acl.channels.map((pattern) => `&${pattern}`),
    "-@all",
    ...acl.commands.map((command) => `+${command}`),
  ].join(" ");
}
