import { Redis } from "ioredis";
import { afterAll } from "vitest";

/**
 * A test's own view of Redis, as the default (admin) user: the services run as their
 * ACL users and cannot read what a test checks (or plant what it arranges) outside
 * their patterns. Call at a test file's top level; the client closes after the file.
 */
export function redisInspector(database: number): Redis {
  const client = new Redis(`redis://127.0.0.1:6379/${database}`, { maxRetriesPerRequest: 1 });
  afterAll(() => client.disconnect());
  return client;
}
