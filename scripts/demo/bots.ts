import { call, inBatches } from "./gateway-client";

export interface Bot {
  token: string;
}

export interface BotRecord {
  attempts: number;
  answers: Record<string, number>;
  /** Orders the gateway accepted for a bot: a bot farm holding units real buyers wait for. */
  won: number;
}

const PASSWORD = "demo bot password, not a secret";

/** Free accounts, as a bot farm makes them: registered and signed in, no credit. */
export async function prepareBots(count: number, gatewayPorts: readonly number[], runId: string): Promise<Bot[]> {
  return inBatches(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (index) => {
      const port = gatewayPorts[index % gatewayPorts.length] as number;
      const email = `bot${index}.${runId}@demo.local`;
      const registered = await call(port, "/auth/register", { method: "POST", body: { email, password: PASSWORD } });
      if (registered.status !== 202) throw new Error(`register bot ${index}: ${registered.status}`);
      const login = await call(port, "/auth/login", { method: "POST", body: { email, password: PASSWORD } });
      if (login.status !== 200) throw new Error(`bot ${index} login: ${login.status}`);
      return { token: String(login.body.accessToken) };
    },
  );
}

/** Every bot tries to buy, again and again, until `stopped()`: how a farm keeps a sale busy. */
export async function runBots(
  bots: readonly Bot[],
  couponId: string,
  gatewayPorts: readonly number[],
  stopped: () => boolean,
): Promise<BotRecord> {
  const record: BotRecord = { attempts: 0, answers: {}, won: 0 };
  await Promise.all(
    bots.map(async (bot, index) => {
      const port = gatewayPorts[index % gatewayPorts.length] as number;
      while (!stopped()) {
        const response = await call(port, `/api/coupons/${couponId}/purchase`, { method: "POST", token: bot.token });
        record.attempts += 1;
        record.answers[response.status] = (record.answers[response.status] ?? 0) + 1;
        if (response.status === 202) record.won += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
  );
  return record;
}
