import type { Redis } from "ioredis";

export type ScriptCall = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * Registers a Lua script with ioredis defineCommand: it is sent once, then called
 * by SHA (EVALSHA), and ioredis re-sends it by itself after NOSCRIPT (a restarted
 * or failed-over Redis has an empty script cache).
 */
export function defineScript(redis: Redis, name: string, numberOfKeys: number, lua: string): ScriptCall {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, ScriptCall | undefined>)[name];
  if (!command) throw new Error(`ioredis did not define script ${name}`);
  return command.bind(redis);
}
