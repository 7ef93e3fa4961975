import { ConfigError } from "../../lib/config/load-env";
import { shutdownOnSignals } from "../../lib/http/graceful-shutdown";
import { loadGatewayConfig } from "./config";
import { startGatewayService } from "./service";

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const service = await startGatewayService(config);
  shutdownOnSignals(service.shutdown, service.logger);
}

main().catch((err: unknown) => {
  // Config errors name the variable; print them plainly, without a stack trace.
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
