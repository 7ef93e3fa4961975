import type { IHeaders, KafkaMessage, Producer } from "kafkajs";

export interface MessageSource {
  topic: string;
  partition: number;
}

export interface DeadLetterNote {
  reason: string;
  error?: string;
  attempts: number;
}

/**
 * Publishes a message that cannot be settled to the dead-letter topic, unchanged
 * (key, value, headers), with where it came from and why in `dlq-*` headers, so an
 * operator can inspect it and replay it once the cause is fixed.
 */
export class DeadLetters {
  private connected = false;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async send(message: KafkaMessage, source: MessageSource, note: DeadLetterNote): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    const headers: IHeaders = {
      ...message.headers,
      "dlq-reason": note.reason,
      "dlq-attempts": String(note.attempts),
      "dlq-source-topic": source.topic,
      "dlq-source-partition": String(source.partition),
      "dlq-source-offset": message.offset,
      "dlq-at": new Date().toISOString(),
      ...(note.error !== undefined ? { "dlq-error": note.error } : {}),
    };
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = false;
  }
}
