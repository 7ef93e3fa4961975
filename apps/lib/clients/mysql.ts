import { readFileSync } from "node:fs";
import { createPool, type Pool, type PoolOptions } from "mysql2/promise";
import type { MysqlEnv } from "../config/common-env";
import { RdsAuthToken } from "./rds-auth-token";

function tlsOptions(env: MysqlEnv): PoolOptions["ssl"] {
  if (!env.MYSQL_TLS) return undefined;
  return {
    rejectUnauthorized: true,
    ...(env.MYSQL_TLS_CA_FILE ? { ca: readFileSync(env.MYSQL_TLS_CA_FILE, "utf8") } : {}),
  };
}

/**
 * With MYSQL_AUTH=rds-iam, RDS asks for the cleartext plugin (over TLS) and gets an
 * IAM auth token for this host and user instead of a password.
 */
function credentials(env: MysqlEnv): Pick<PoolOptions, "password" | "authPlugins"> {
  if (env.MYSQL_AUTH === "password") return { password: env.MYSQL_PASSWORD };
  const token = RdsAuthToken.forDatabase({
    hostname: env.MYSQL_HOST,
    port: env.MYSQL_PORT,
    username: env.MYSQL_USER,
    region: env.AWS_REGION ?? "",
  });
  return { authPlugins: { mysql_clear_password: () => async () => Buffer.from(`${await token.current()}\0`) } };
}

export function mysqlConnectionOptions(env: MysqlEnv): PoolOptions {
  return {
    host: env.MYSQL_HOST,
    port: env.MYSQL_PORT,
    user: env.MYSQL_USER,
    ...credentials(env),
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
