import { mysqlEnv } from "../lib/config/common-env";
import { migrate } from "../lib/db/migrate";
import { type DbService, dbUserName } from "../lib/db/service-users";
import { createLogger } from "../lib/logger";

/** Passwords of the services' MySQL users on the loopback test server. */
export const TEST_DB_PASSWORDS: Readonly<Record<DbService, string>> = {
  gateway: "test-only-gateway-db-password",
  coupon: "test-only-coupon-db-password",
  payment: "test-only-payment-db-password",
};

/**
 * What a release's migration step does on a stack, on a test database: the schema,
 * then the services' users and grants, as the master (root) user. The services
 * then start as their own users and never migrate.
 */
export async function migrateAsMigrationJob(database: string): Promise<void> {
  await migrate(mysqlEnv.parse({ MYSQL_DATABASE: database }), createLogger("test-migrate", "silent"), {
    serviceUsers: { kind: "password", passwords: TEST_DB_PASSWORDS },
  });
}

/** A service's MySQL settings in the tests: its own user, no migrations at start. */
export const serviceMysqlEnv = (service: DbService) => ({
  MYSQL_USER: dbUserName(service),
  MYSQL_PASSWORD: TEST_DB_PASSWORDS[service],
  MIGRATE_ON_START: "false",
});
