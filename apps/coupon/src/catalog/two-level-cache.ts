import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { serviceUnavailable } from "../../../lib/http/http-error";
import type { CouponMetrics } from "../coupon-metrics";
import { catalogKeys } from "../../../lib/flash-sale/keys";
import { RedisLock } from "./redis-lock";

export interface TwoLevelCacheSettings {
  localTtlMs: number;
  redisTtlSeconds: number;
  /**
   * How long a cached miss (a null value: an id that does not exist) stays in Redis. Short, so
   * probing random ids cannot fill a Redis that never evicts, yet long enough to spare MySQL.
   */
  missTtlSeconds: number;
  lockTtlMs: number;
  /** How long a caller waits for another process's rebuild before answering 503. */
  waitMs: number;
  pollMs: number;
  maxLocalEntries: number;
}

/** lru-cache refuses undefined values; wrapping also lets "not found" be cached. */
interface Box<T> {
  value: T;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read-through cache: in-process LRU (short TTL) over Redis (longer TTL) over a
 * loader (MySQL). A miss is rebuilt by one caller only — one promise per key in
 * this process, one lock holder across processes — so a cold hot page costs the
 * database one query however many readers arrive at once.
 */
export class TwoLevelCache {
  private readonly local: LRUCache<string, Box<unknown>>;
  private readonly inFlight = new Map<string, Promise<Box<unknown>>>();
  private readonly lock: RedisLock;

  constructor(
    private readonly redis: Redis,
    private readonly settings: TwoLevelCacheSettings,
    private readonly metrics: CouponMetrics,
  ) {
    this.local = new LRUCache({ max: settings.maxLocalEntries, ttl: Math.max(settings.localTtlMs, 1) });
    this.lock = new RedisLock(redis, settings.lockTtlMs);
  }

  async get<T>(localKey: string, redisKey: () => Promise<string>, load: () => Promise<T>): Promise<T> {
    const cached = this.settings.localTtlMs > 0 ? this.local.get(localKey) : undefined;
    if (cached) {
      this.metrics.catalogCacheHits.inc({ layer: "local" });
      return cached.value as T;
    }
    let pending = this.inFlight.get(localKey);
    if (!pending) {
      pending = this.fill(localKey, redisKey, load).finally(() => this.inFlight.delete(localKey));
      this.inFlight.set(localKey, pending);
    }
    return (await pending).value as T;
  }

  /** Drops this process's copies; other processes' copies age out within localTtlMs. */
  clearLocal(): void {
    this.local.clear();
  }

  private async fill<T>(localKey: string, redisKeyOf: () => Promise<string>, load: () => Promise<T>): Promise<Box<T>> {
    const redisKey = await redisKeyOf();
    const box = (await this.readRedis<T>(redisKey)) ?? (await this.rebuildOnce(redisKey, load));
    if (this.settings.localTtlMs > 0) this.local.set(localKey, box);
    return box;
  }

  private async readRedis<T>(redisKey: string): Promise<Box<T> | undefined> {
    const raw = await this.redis.get(redisKey);
    if (raw === null) return undefined;
    this.metrics.catalogCacheHits.inc({ layer: "redis" });
    return JSON.parse(raw) as Box<T>;
  }

  private async rebuildOnce<T>(redisKey: string, load: () => Promise<T>): Promise<Box<T>> {
    const built = await this.lock.tryWithLock(catalogKeys.lock(redisKey), async () => {
      // Another process may have filled the key between our read and our lock.
      const filled = await this.readRedis<T>(redisKey);
      if (filled) return filled;
      const box: Box<T> = { value: await load() };
      const ttlSeconds = box.value === null ? this.settings.missTtlSeconds : this.settings.redisTtlSeconds;
      await this.redis.set(redisKey, JSON.stringify(box), "EX", ttlSeconds);
      return box;
    });
    if (built) return built.value;
    return this.waitForOtherBuilder<T>(redisKey);
  }

  private async waitForOtherBuilder<T>(redisKey: string): Promise<Box<T>> {
    const rounds = Math.ceil(this.settings.waitMs / this.settings.pollMs);
    for (let i = 0; i < rounds; i++) {
      await sleep(this.settings.pollMs);
      const filled = await this.readRedis<T>(redisKey);
      if (filled) return filled;
    }
    this.metrics.catalogBusy.inc();
    throw serviceUnavailable("catalog_busy", "the catalog entry is being rebuilt; retry shortly", 1);
  }
}
