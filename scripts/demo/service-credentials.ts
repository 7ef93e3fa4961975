import { randomBytes } from "node:crypto";
import { mysqlEnv } from "../../apps/lib/config/common-env";
import { migrate } from "../../apps/lib/db/migrate";
import { type DbService, dbUserName } from "../../apps/lib/db/service-users";
import type { RedisService } from "../../apps/lib/flash-sale/redis-acl";
import { createLogger } from "../../apps/lib/logger";
import { ensureLocalRedisUsers, localRedisUrl } from "../lib/local-redis-users";

type Service = DbService & RedisService;
const password = () => randomBytes(24).toString("base64url");
const onePerService = <T>(make: (service: Service) => T): Record<Service, T> => ({
  gateway: make("gateway"),
  coupon: make("coupon"),
  payment: make("payment"),
});

/**
 * What a stack does before the services start, on this machine: the migration step
 * as the master (root) user, which also makes each service's MySQL user with its
 * grants, and one Redis ACL user per service — every password made for this run.
 * Returns each service's own REDIS_URL and MySQL user; none migrates at start.
 */
export async function prepareServiceCredentials(database: string, redisDb: number): Promise<Record<Service, Record<string, string>>> {
  const mysqlPasswords = onePerService(password);
  const redisPasswords = onePerService(password);
  await migrate(mysqlEnv.parse({ MYSQL_DATABASE: database }), createLogger("demo-migrate", "warn"), {
    serviceUsers: { kind: "password", passwords: mysqlPasswords },
  });
  await ensureLocalRedisUsers("redis://127.0.0.1:6379", redisPasswords);
  return onePerService((service) => ({
    REDIS_URL: localRedisUrl(service, redisPasswords[service], redisDb),
    MYSQL_USER: dbUserName(service),
    MYSQL_PASSWORD: mysqlPasswords[service],
    MIGRATE_ON_START: "false",
  }));
}
