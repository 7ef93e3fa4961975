import cluster from "node:cluster";

/**
 * Several coupon processes behind one port, as several pods behind the internal
 * load balancer: node's cluster primary accepts the gateway's connections and
 * hands them to the workers in turn. Each worker is a whole coupon service
 * (its own relay, caches and pools). SIGTERM drains every worker.
 */
const processes = Number(process.env.COUPON_PROCESSES ?? "2");

if (cluster.isPrimary) {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  for (let i = 0; i < processes; i++) cluster.fork();
  let running = processes;
  cluster.on("exit", () => {
    running -= 1;
    if (running === 0) process.exit(0);
  });
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  });
} else {
  void import("../../apps/coupon/src/main");
}
