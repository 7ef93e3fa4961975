import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";

export interface ReadMessage {
  key: string;
  value: string;
  partition: number;
}

/**
 * Reads every message in a topic up to its current end (high watermarks taken
 * first), so "exactly N events" is a count of all there is, not of what arrived
 * before a timeout. Bounded by `maxWaitMs` in case the broker misbehaves.
 */
export async function readWholeTopic(broker: string, topic: string, maxWaitMs = 60_000): Promise<ReadMessage[]> {
  const kafka = new Kafka({ clientId: "coupon-test-reader", brokers: [broker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  const messages: ReadMessage[] = [];
  if (remaining.size === 0) return messages;

  const consumer = kafka.consumer({ groupId: `coupon-test-reader-${randomUUID()}`, sessionTimeout: 10_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length} messages of ${topic} before giving up`)), maxWaitMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const high = ends.get(partition) ?? 0n;
            if (BigInt(message.offset) < high) {
              messages.push({ key: message.key?.toString() ?? "", value: message.value?.toString() ?? "", partition });
            }
            if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
