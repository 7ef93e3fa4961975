import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** One JSON call to a gateway, timed. */
export async function call(
  port: number,
  path: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<JsonResponse> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: options.method ?? "GET",
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, ms };
}

export interface BuyerSocket {
  socket: WebSocket;
  /** orderId → status pushed by the gateway. */
  results: Map<string, string>;
}

/** Opens the buyer's WebSocket and resolves on the gateway's welcome. */
export function openSocket(port: number, token: string): Promise<BuyerSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${token}` } });
    const results = new Map<string, string>();
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type?: string; orderId?: string; status?: string };
      if (message.type === "welcome") resolve({ socket, results });
      if (message.type === "payment_update" && message.orderId && message.status) results.set(message.orderId, message.status);
    });
    socket.once("unexpected-response", (_req, res) => reject(new Error(`WebSocket refused with ${res.statusCode ?? "no status"}`)));
    socket.once("error", reject);
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
