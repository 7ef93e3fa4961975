import type { Pool } from "mysql2/promise";
import { WebSocket } from "ws";
import { type HttpResponse, httpRequest } from "../../../coupon/test/support/http-client";
import { bearer } from "../../../test-support/internal-identity";

export interface SignedIn {
  userId: string;
  email: string;
  token: string;
  refreshToken: string;
}

export { bearer };

const PASSWORD = "correct horse battery staple";

export async function logIn(port: number, email: string, password = PASSWORD): Promise<SignedIn> {
  const login = await httpRequest(port, "/auth/login", { method: "POST", body: { email, password } });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status} ${login.text}`);
  const body = login.json<{ userId: string; accessToken: string; refreshToken: string }>();
  return { userId: body.userId, email, token: body.accessToken, refreshToken: body.refreshToken };
}

/** Registers an account through the gateway and signs it in, as a client would. */
export async function signUp(port: number, email: string, password = PASSWORD): Promise<SignedIn> {
  const registered = await httpRequest(port, "/auth/register", { method: "POST", body: { email, password } });
  if (registered.status !== 202) throw new Error(`register ${email}: ${registered.status} ${registered.text}`);
  return logIn(port, email, password);
}

/** Operators grant admin in the database; the next login's token carries it. */
export async function signUpAdmin(port: number, pool: Pool, email: string): Promise<SignedIn> {
  const account = await signUp(port, email);
  await pool.query("UPDATE gateway_accounts SET role = 'admin' WHERE id = ?", [account.userId]);
  return logIn(port, email);
}

export function authed(port: number, token: string, path: string, method = "GET", body?: unknown): Promise<HttpResponse> {
  return httpRequest(port, path, { method, headers: bearer(token), body });
}

export interface OpenSocket {
  socket: WebSocket;
  messages: Record<string, unknown>[];
}

/** Opens /ws with the token and resolves once the gateway's welcome arrived. */
export function openSocket(port: number, token: string): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: bearer(token) });
    const messages: Record<string, unknown>[] = [];
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (message.type === "welcome") resolve({ socket, messages });
      else messages.push(message);
    });
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    socket.once("error", reject);
  });
}
