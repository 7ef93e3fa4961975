import { readFileSync } from "node:fs";
import { createPool, type Pool, type PoolOptions } from "mysql2/promise";
import type { MysqlEnv } from "../config/common-env";

function tlsOptions(env: MysqlEnv): PoolOptions["ssl"] {
  if (!env.MYSQL_TLS) return undefined;
  return {
    rejectUnauthorized: true,
    ...(env.MYSQL_TLS_CA_FILE ? { ca: readFileSync(env.MYSQL_TLS_CA_FILE, "utf8") } : {}),
  };
}

export function mysqlConnectionOptions(env: MysqlEnv): PoolOptions {
  return {
    host: env.MYSQL_HOST,
    port: env.MYSQL_PORT,
    user: env.MYSQL_USER,
    password: env.MYSQL_PASSWORD,
    ssl: tlsOptions(env),
    // Ids and money are BIGINTs: strings keep them exact beyond 2^53.
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: "Z",
    connectTimeout: 5_000,
  };
}

export function createMysqlPool(env: MysqlEnv): Pool {
  return createPool({
    ...mysqlConnectionOptions(env),
    database: env.MYSQL_DATABASE,
    connectionLimit: env.MYSQL_POOL_SIZE,
    waitForConnections: true,
    queueLimit: 0,
  });
}

/** A pool on the read replica, when the config names one. */
export function createMysqlReaderPool(env: MysqlEnv): Pool | undefined {
  if (!env.MYSQL_READER_HOST) return undefined;
  return createMysqlPool({ ...env, MYSQL_HOST: env.MYSQL_READER_HOST, MYSQL_PORT: env.MYSQL_READER_PORT ?? env.MYSQL_PORT });
}
