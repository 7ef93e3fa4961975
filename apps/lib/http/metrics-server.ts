import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/**
 * /metrics on a port of its own: the network policy lets Prometheus reach this port
 * and nothing else, and nothing but the platform's callers reach the API port.
 */
export function createMetricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        () =>
          res
            .writeHead(500, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { code: "metrics_failed", message: "metrics could not be collected" } })),
      );
      return;
    }
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ error: { code: "not_found", message: "only GET /metrics is served here" } }));
  });
}
