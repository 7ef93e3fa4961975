import { once } from "node:events";
import { type Server, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, finishApp } from "../http/create-app";
import { HttpError } from "../http/http-error";
import { createMetricsRegistry } from "../http/metrics";
import { createLogger } from "../logger";

/** Every line the app writes at the production level (info), parsed. */
const lines: { level: string; msg: string; req?: { id?: string; url?: string }; res?: { statusCode?: number } }[] = [];
const capture = { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) };

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    })
      .once("error", reject)
      .end();
  });
}

describe("request lines at the production level", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const logger = createLogger("request-log-test", "info", capture);
    const app = createApp({
      logger,
      metrics: createMetricsRegistry("request-log-test"),
      bodyLimit: "1kb",
      browserFacing: false,
      health: { required: {}, isAcceptingTraffic: () => true },
    });
    app.get("/sold-out", () => {
      throw new HttpError(410, "sold_out", "sold out");
    });
    app.get("/forged", () => {
      throw new HttpError(401, "unauthenticated", "invalid token");
    });
    app.get("/broken", () => {
      throw new Error("a bug");
    });
    app.get("/cut", (_req, res) => {
      res.write("partial");
      res.destroy();
    });
    finishApp(app);
    server = createServer(app);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => server.close());

  it("writes 5xx at error, cut-short answers at warn, 401 at info, and nothing for expected outcomes", async () => {
    expect(await get(port, "/sold-out")).toBe(410);
    expect(await get(port, "/forged", { "x-request-id": "probe-1" })).toBe(401);
    expect(await get(port, "/broken")).toBe(500);
    await get(port, "/cut").catch(() => 0);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const about = (url: string) => lines.filter((l) => l.req?.url === url).map((l) => l.level);
    expect(about("/sold-out")).toEqual([]);
    expect(about("/forged")).toEqual(["info"]);
    expect(lines.find((l) => l.req?.url === "/forged")?.req?.id).toBe("probe-1");
    expect(about("/broken")).toEqual(["error"]);
    expect(about("/cut")).toEqual(["warn"]);
    // The bug itself is logged too, with the request id, by the error handler.
    expect(lines.some((l) => l.level === "error" && l.msg === "unhandled error")).toBe(true);
  });
});
