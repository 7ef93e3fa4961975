import { Agent, request } from "node:http";

/** Keep-alive loopback client: the benchmark measures the service, not TCP handshakes. */
export function createPoster(port: number, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  /** GET without a body, POST with one (or with none, like a purchase). */
  const send = (
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const allHeaders =
        body === undefined
          ? headers
          : { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
      const req = request({ host: "127.0.0.1", port, path, method, headers: allHeaders, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  return {
    get: (path: string) => send("GET", path, {}),
    post: (path: string, headers: Record<string, string>, body?: string) => send("POST", path, headers, body),
    close: () => agent.destroy(),
  };
}
