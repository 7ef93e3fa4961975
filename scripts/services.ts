import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import { startKafka } from "./lib/kafka-process";

/**
 * Ensures the three local services the apps need. Kafka is the project's own
 * (started here when down); Redis and MariaDB are system services, so for those
 * it says what is missing and how to start it. Exit code 1 if anything is missing.
 */

interface Check {
  name: string;
  address: string;
  howToStart: string;
  check: () => Promise<void>;
}

const checks: Check[] = [
  {
    name: "Redis",
    address: "127.0.0.1:6379",
    howToStart: "service redis-server start   (or: docker compose up -d redis)",
    check: async () => {
      const redis = new Redis({
        host: "127.0.0.1",
        port: 6379,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 2_000,
      });
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
    },
  },
  {
    name: "MariaDB/MySQL",
    address: "127.0.0.1:3306 (root, empty password)",
    howToStart: "service mariadb start   (or: docker compose up -d mariadb)",
    check: async () => {
      const connection = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "", connectTimeout: 2_000 });
      try {
        await connection.query("SELECT 1");
      } finally {
        await connection.end();
      }
    },
  },
  {
    name: "Kafka",
    address: "127.0.0.1:9092",
    howToStart: "npm run kafka:start   (or: docker compose up -d kafka)",
    check: async () => {
      await startKafka((line) => console.log(`  [kafka] ${line}`));
    },
  },
];

async function main(): Promise<number> {
  const missing: Check[] = [];
  for (const service of checks) {
    try {
      await service.check();
      console.log(`ok       ${service.name} on ${service.address}`);
    } catch (err) {
      console.log(`MISSING  ${service.name} on ${service.address}: ${err instanceof Error ? err.message : String(err)}`);
      missing.push(service);
    }
  }
  if (missing.length === 0) {
    console.log("all local services are up");
    return 0;
  }
  console.log("\nStart what is missing:");
  for (const service of missing) console.log(`  ${service.name}: ${service.howToStart}`);
  return 1;
}

void main().then((code) => process.exit(code));
