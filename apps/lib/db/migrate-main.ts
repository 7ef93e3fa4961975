import { z } from "zod";
import { checkMysqlAuth, mysqlEnv } from "../config/common-env";
import { ConfigError, loadEnv } from "../config/load-env";
import { createLogger } from "../logger";
import { migrate } from "./migrate";

const migrationJobEnv = z
  .object({
    ...mysqlEnv.shape,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    SERVICE_DB_AUTH: z
      .enum(["rds-iam", "none"], { message: 'must be "rds-iam" or "none"' })
      .default("rds-iam")
      .describe("rds-iam: create the services' users for RDS IAM auth and grant them their tables; none: the schema only."),
  })
  .superRefine(checkMysqlAuth);

/**
 * The release's migration step (`node migrate.js` in every service image), run once
 * per release by the stack's Kubernetes Job before any Rollout changes: the schema,
 * then the services' users and grants. It is the only holder of the master user.
 */
async function main(): Promise<void> {
  const env = loadEnv(migrationJobEnv);
  const logger = createLogger("migrate", env.LOG_LEVEL);
  const result = await migrate(env, logger, env.SERVICE_DB_AUTH === "rds-iam" ? { serviceUsers: { kind: "rds-iam" } } : {});
  logger.info({ database: env.MYSQL_DATABASE, ...result }, "migrations done");
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
