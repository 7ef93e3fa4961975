import type { Logger } from "./logger";
import { ConfigError } from "./config/load-env";
import { shutdownOnSignals } from "./http/graceful-shutdown";

/**
 * A service's entry point: load its config, start it, drain on SIGTERM/SIGINT.
 * `start` builds the service on a ServiceRuntime, and the shutdown it returns is
 * the one ServiceRuntime.serve made, so a signal drains exactly as the tests do.
 * Config errors name the variable; they are printed plainly, without a stack trace.
 */
export function runService<C>(loadConfig: () => C, start: (config: C) => Promise<{ shutdown: () => Promise<void>; logger: Logger }>): void {
  const main = async () => {
    const service = await start(loadConfig());
    shutdownOnSignals(service.shutdown, service.logger);
  };
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  });
}
