import { Agent, request } from "node:http";
import { bearer, internalToken } from "../../../test-support/internal-identity";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: <T = unknown>() => T;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is (to test malformed JSON); anything else is JSON-encoded. */
  body?: unknown;
}

/**
 * A keep-alive pool large enough for hundreds of requests in flight at once without
 * overflowing the server's accept backlog.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export function httpRequest(port: number, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const payload = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(payload !== undefined ? { "content-type": "application/json" } : {}), ...options.headers };
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** What the gateway sends for a signed-in user: its signed internal identity. */
export const asUser = (userId: number | string, gatewayId = "gw-test-1") => bearer(internalToken({ sub: String(userId), gid: gatewayId }));
export const asAdmin = () => bearer(internalToken({ sub: "1", gid: "gw-admin", role: "admin" }));
/** Any signed-in reader, for routes that only need the request to come through the gateway. */
export const signedIn = (): RequestOptions => ({ headers: asUser(42) });
