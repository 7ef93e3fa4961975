import { mysqlEnv } from "../apps/lib/config/common-env";
import { ConfigError, loadEnv } from "../apps/lib/config/load-env";
import { migrate } from "../apps/lib/db/migrate";
import { createLogger } from "../apps/lib/logger";

/** Applies the schema migrations to MYSQL_DATABASE (created if missing). Safe to repeat. */
async function main(): Promise<void> {
  const env = loadEnv(mysqlEnv);
  const result = await migrate(env, createLogger("migrate", process.env.LOG_LEVEL ?? "warn"));
  console.log(
    `database ${env.MYSQL_DATABASE}: applied [${result.applied.join(", ")}], already applied [${result.alreadyApplied.join(", ")}]`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
