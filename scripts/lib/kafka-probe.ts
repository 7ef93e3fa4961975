import { Kafka, logLevel } from "kafkajs";
import { isPortOpen, sleep } from "./port-probe";

/** True when a Kafka broker on the port answers a metadata request (not just a TCP accept). */
export async function kafkaAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  if (!(await isPortOpen(port, host))) return false;
  const admin = new Kafka({
    clientId: "coupon-platform-probe",
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Polls until the broker answers; bounded by `attempts`. */
export async function waitForKafka(port: number, attempts: number, isStillStarting: () => boolean): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await kafkaAnswers(port)) return true;
    if (!isStillStarting()) return false;
    await sleep(500);
  }
  return false;
}
