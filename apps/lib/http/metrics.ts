import type { RequestHandler } from "express";
import { Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * One registry per service instance (not prom-client's global one), so several
 * instances can live in one process — the integration tests run two side by side.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function requestDurationMiddleware(registry: Registry): RequestHandler {
  const histogram = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = histogram.startTimer();
    res.on("finish", () => {
      // The route pattern, not the raw path, keeps label cardinality bounded.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
