import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import type { MysqlEnv } from "../config/common-env";
import { mysqlConnectionOptions } from "../clients/mysql";
import type { Logger } from "../logger";
import type { Migration } from "./migration";
import { migrations as allMigrations } from "./migrations";
import { type ServiceUserAuth, ensureServiceUsers } from "./service-users";

// Several pods may start at once: a named lock lets one apply while the others wait.
const LOCK_NAME = "coupon_platform_schema_migrations";
const LOCK_WAIT_SECONDS = 60;

async function appliedVersions(connection: Connection): Promise<Set<number>> {
  await connection.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INT UNSIGNED NOT NULL PRIMARY KEY,
       name VARCHAR(200) NOT NULL,
       applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
     ) ENGINE=InnoDB`,
  );
  const [rows] = await connection.query<RowDataPacket[]>("SELECT version FROM schema_migrations");
  return new Set(rows.map((row) => Number(row.version)));
}

async function withNamedLock<T>(connection: Connection, work: () => Promise<T>): Promise<T> {
  const [rows] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [LOCK_NAME, LOCK_WAIT_SECONDS]);
  if (Number(rows[0]?.got) !== 1) throw new Error(`could not take migration lock ${LOCK_NAME} within ${LOCK_WAIT_SECONDS}s`);
  try {
    return await work();
  } finally {
    await connection.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]);
  }
}

export interface MigrateResult {
  applied: number[];
  alreadyApplied: number[];
}

/**
 * Creates the database if needed and applies every migration not yet recorded.
 * Running it again changes nothing.
 */
export interface MigrateOptions {
  migrations?: readonly Migration[];
  /** Also create the services' users and grant them their tables (the migration step of a release does). */
  serviceUsers?: ServiceUserAuth;
}

export async function migrate(env: MysqlEnv, logger: Logger, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? allMigrations;
  const connection = await createConnection(mysqlConnectionOptions(env));
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${env.MYSQL_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await connection.changeUser({ database: env.MYSQL_DATABASE });
    return await withNamedLock(connection, async () => {
      const done = await appliedVersions(connection);
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) {
          result.alreadyApplied.push(migration.version);
          continue;
        }
        for (const statement of migration.statements) await connection.query(statement);
        await connection.query("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [migration.version, migration.name]);
        logger.info({ version: migration.version, name: migration.name }, "migration applied");
        result.applied.push(migration.version);
      }
      if (options.serviceUsers) {
        await ensureServiceUsers(connection, env.MYSQL_DATABASE, options.serviceUsers);
        logger.info({ kind: options.serviceUsers.kind }, "service users and grants ensured");
      }
      return result;
    });
  } finally {
    await connection.end();
  }
}
