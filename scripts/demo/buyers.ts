import type { Pool } from "mysql2/promise";
import type { DemoFlags } from "./flags";
import { type BuyerSocket, call, inBatches, openSocket } from "./gateway-client";

export interface Buyer {
  index: number;
  userId: string;
  token: string;
  creditCents: number;
  /** The gateway holding the buyer's socket; purchases alternate between both replicas. */
  socketPort: number;
  socket: BuyerSocket;
  orders: string[];
}

const PASSWORD = "demo password, not a secret";

/** Registers and signs in, seeds credit, opens the WebSocket. */
export async function prepareBuyers(flags: DemoFlags, gatewayPorts: readonly number[], pool: Pool, runId: string): Promise<Buyer[]> {
  const poorEvery = flags.poorShare > 0 ? Math.max(1, Math.round(1 / flags.poorShare)) : Number.POSITIVE_INFINITY;
  return inBatches(
    Array.from({ length: flags.buyers }, (_, i) => i),
    16,
    async (index) => {
      const port = gatewayPorts[index % gatewayPorts.length] as number;
      const email = `buyer${index}.${runId}@demo.local`;
      const registered = await call(port, "/auth/register", { method: "POST", body: { email, password: PASSWORD } });
      if (registered.status !== 202) throw new Error(`register buyer ${index}: ${registered.status} ${JSON.stringify(registered.body)}`);
      const login = await call(port, "/auth/login", { method: "POST", body: { email, password: PASSWORD } });
      if (login.status !== 200) throw new Error(`buyer ${index} login: ${login.status} ${JSON.stringify(login.body)}`);
      const userId = String(login.body.userId);
      const creditCents = index % poorEvery === poorEvery - 1 ? Math.floor(flags.priceCents / 2) : flags.priceCents * 3;
      await pool.query("UPDATE users SET credit_cents = ? WHERE id = ?", [creditCents, userId]);
      const token = String(login.body.accessToken);
      return { index, userId, token, creditCents, socketPort: port, socket: await openSocket(port, token), orders: [] };
    },
  );
}

/** The operator's admin: registered like anyone, then granted the role in the database. */
export async function prepareAdmin(port: number, pool: Pool, runId: string): Promise<string> {
  const email = `admin.${runId}@demo.local`;
  const registered = await call(port, "/auth/register", { method: "POST", body: { email, password: PASSWORD } });
  if (registered.status !== 202) throw new Error(`register admin: ${registered.status} ${JSON.stringify(registered.body)}`);
  await pool.query("UPDATE gateway_accounts SET role = 'admin' WHERE email = ?", [email]);
  const login = await call(port, "/auth/login", { method: "POST", body: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`admin login: ${login.status}`);
  return String(login.body.accessToken);
}
