import { performance } from "node:perf_hooks";
import { call, inBatches, openSocket } from "../../scripts/demo/gateway-client";
import { percentile } from "../../scripts/lib/percentile";

export interface DeliveryResult {
  buyers: number;
  accepted: number;
  delivered: number;
  /** Accepted (202 received) → result pushed on the buyer's WebSocket, in ms. */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/**
 * The WebSocket half of the public path: each buyer opens a socket on the
 * gateway, buys once through it, and the time from the 202 to the pushed result
 * (outbox → Kafka → payment settles in MySQL → Redis pub/sub → the gateway) is
 * taken per order. Purchases go `concurrency` at a time; waiting is bounded.
 */
export async function measureDelivery(options: {
  gatewayPort: number;
  couponId: string;
  tokens: readonly string[];
  concurrency: number;
  timeoutMs: number;
}): Promise<DeliveryResult> {
  const sockets = await inBatches(options.tokens, 32, (token) => openSocket(options.gatewayPort, token));
  const acceptedAt = new Map<string, number>();
  const pushedAt = new Map<string, number>();
  for (const { socket } of sockets)
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type?: string; orderId?: string };
      if (message.type === "payment_update" && message.orderId) pushedAt.set(message.orderId, performance.now());
    });
  let accepted = 0;
  try {
    await inBatches(options.tokens, options.concurrency, async (token) => {
      const answer = await call(options.gatewayPort, `/api/coupons/${options.couponId}/purchase`, { method: "POST", token, body: {} });
      if (answer.status !== 202) return;
      accepted++;
      acceptedAt.set(String(answer.body.orderId), performance.now());
    });
    const deadline = performance.now() + options.timeoutMs;
    while (pushedAt.size < accepted && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    for (const { socket } of sockets) socket.close();
  }
  // A push read before its own 202 counts as immediate.
  const latencies = [...acceptedAt].flatMap(([orderId, at]) => {
    const pushed = pushedAt.get(orderId);
    return pushed === undefined ? [] : [Math.max(0, pushed - at)];
  });
  latencies.sort((a, b) => a - b);
  return {
    buyers: options.tokens.length,
    accepted,
    delivered: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    p999Ms: percentile(latencies, 99.9),
    maxMs: latencies[latencies.length - 1] ?? 0,
  };
}
