import { Kafka, logLevel } from "kafkajs";

/** Orders published to `topic` that payment's consumer group has not yet committed. */
export async function settlementLag(brokers: string, topic: string, groupId: string): Promise<number> {
  const admin = new Kafka({ clientId: "bench-e2e-lag", brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return ends.reduce((lag, p) => lag + Math.max(0, Number(p.high) - (done.get(p.partition) ?? 0)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Waits (bounded) until payment has settled everything published so far: later phases then start from an idle payment. */
export async function waitForSettlement(brokers: string, topic: string, groupId: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lag = await settlementLag(brokers, topic, groupId);
  while (lag > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    lag = await settlementLag(brokers, topic, groupId);
  }
  return lag;
}
