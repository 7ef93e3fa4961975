import type { Kafka } from "kafkajs";

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
}

/** Creates the topic if it is missing; an existing topic is left as it is. */
export async function ensureTopic(kafka: Kafka, spec: TopicSpec): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(spec.topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: spec.topic, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor }],
    });
  } catch (err) {
    // Two instances starting together race to create it; losing that race is fine.
    if (!(err instanceof Error && /already exists/i.test(err.message))) throw err;
  } finally {
    await admin.disconnect();
  }
}
