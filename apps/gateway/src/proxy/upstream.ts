import * as http from "node:http";
import * as https from "node:https";
import type { Request, Response } from "express";
import { HttpError } from "../../../lib/http/http-error";
import type { GatewayMetrics } from "../gateway-metrics";
import type { InternalIdentity } from "../../../lib/internal-identity/claims";
import { FORWARDED_CLIENT_HEADERS } from "./forwarded-headers";
import type { InternalTokenSigner } from "./internal-token-signer";

export interface UpstreamSettings {
  baseUrl: string;
  timeoutMs: number;
  maxSockets: number;
  /** The service's name as the aud of the identity tokens it accepts. */
  audience: string;
}

// Hop-by-hop headers belong to one connection and are never relayed.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const badGateway = () => new HttpError(502, "bad_gateway", "the upstream service is unavailable");
const gatewayTimeout = () => new HttpError(504, "gateway_timeout", "the upstream service did not answer in time");

/**
 * One upstream service behind the gateway, reached over keep-alive connections.
 * The request gets an allow-list of client headers plus the gateway's own (the signed
 * identity for this service, request id, forwarded-for); the answer is streamed back. No answer within the
 * timeout → 504; refused or broken connection → 502; both in the shared error shape.
 */
export class Upstream {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(
    private readonly settings: UpstreamSettings,
    private readonly metrics: GatewayMetrics,
    private readonly signer: InternalTokenSigner,
  ) {
    this.base = new URL(settings.baseUrl);
    this.transport = this.base.protocol === "https:" ? https : http;
    const AgentClass = this.base.protocol === "https:" ? https.Agent : http.Agent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets: settings.maxSockets });
  }

  /** Forwards `req` to `path` (with its query string) on behalf of `caller` and streams the answer into `res`. */
  async forward(req: Request, res: Response, path: string, caller: InternalIdentity): Promise<void> {
    const headers: http.OutgoingHttpHeaders = {
      authorization: this.signer.authorizationFor(caller, this.settings.audience),
      "x-request-id": String(req.id),
      "x-forwarded-for": req.ip ?? "",
    };
    for (const name of FORWARDED_CLIENT_HEADERS) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    // express.json already parsed (and size-checked) JSON bodies; re-encode them.
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    if (body) headers["content-length"] = String(body.length);
    else delete headers["content-type"];

    return new Promise<void>((resolve, reject) => {
      const upstreamReq = this.transport.request(new URL(path, this.base), { method: req.method, headers, agent: this.agent });
      let settled = false;
      const finish = (failure?: { kind: "timeout" | "connection"; error: HttpError }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!failure) return resolve();
        this.metrics.upstreamErrors.inc({ kind: failure.kind });
        // Mid-body there is no status left to send: cut the response so the client sees it broken.
        if (res.headersSent) res.destroy();
        reject(failure.error);
      };
      const timer = setTimeout(() => {
        finish({ kind: "timeout", error: gatewayTimeout() });
        upstreamReq.destroy();
      }, this.settings.timeoutMs);
      upstreamReq.on("error", () => finish({ kind: "connection", error: badGateway() }));
      upstreamReq.on("response", (upstreamRes) => {
        res.status(upstreamRes.statusCode ?? 502);
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          // Services answer with their own paths; the client knows them under /api.
          res.setHeader(name, name === "location" && typeof value === "string" && value.startsWith("/") ? `/api${value}` : value);
        }
        upstreamRes.on("error", () => finish({ kind: "connection", error: badGateway() }));
        upstreamRes.on("end", () => finish());
        upstreamRes.pipe(res);
      });
      upstreamReq.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
