import { createServer } from "node:http";
import { createApp, finishApp } from "../../apps/lib/http/create-app";
import { listen } from "../../apps/lib/http/listen";
import { createMetricsRegistry } from "../../apps/lib/http/metrics";
import { createLogger } from "../../apps/lib/logger";
import { KEEP_ALIVE_TIMEOUT_MS } from "../../apps/lib/service-runtime";

/**
 * The framework ceiling of bench:e2e: the services' own app (createApp — the same
 * middleware, logging and body parsing) with one route that does nothing but
 * answer 202 with a small JSON body, as a purchase does. No service can answer
 * faster than this on the same stack.
 */
const logger = createLogger("ceiling", process.env.LOG_LEVEL ?? "info");
const app = createApp({
  logger,
  metrics: createMetricsRegistry("ceiling"),
  bodyLimit: "16kb",
  browserFacing: false,
  health: { required: {}, isAcceptingTraffic: () => true },
});
app.post("/noop", (_req, res) => {
  res.status(202).json({ orderId: "noop", status: "pending" });
});
finishApp(app);
const server = createServer(app);
server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
void listen(server, Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
