import type { Consumer, EachBatchPayload } from "kafkajs";
import type { Logger } from "../../../lib/logger";
import type { SettlementProcessor } from "../settlement/settlement-processor";

export interface ConsumerSettings {
  topic: string;
  commitIntervalMs: number;
  partitionsConcurrently: number;
}

/**
 * The kafkajs consumer-group loop. Within a partition, messages are settled one
 * after another and each offset is resolved only after its settlement committed
 * (kafkajs #320: offsets resolved in order; #1764: no parallel work inside a batch).
 * Orders are keyed by coupon, so one coupon's orders stay in one partition and its
 * stock row is never contended by this service. Resolved offsets are committed
 * after every batch and every `commitIntervalMs`; a crash before a commit only
 * redelivers orders that settlement recognises as settled.
 */
export class SettlementConsumer {
  private started = false;
  private crashed: Error | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly processor: SettlementProcessor,
    private readonly settings: ConsumerSettings,
    private readonly logger: Logger,
  ) {
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const error = event.payload.error;
      this.crashed = error instanceof Error ? error : new Error(String(error));
      this.logger.error({ err: error, restart: event.payload.restart }, "settlement consumer crashed");
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.crashed = undefined));
  }

  /** True while the consumer is in its group (readiness reports it). */
  isHealthy(): boolean {
    return this.started && this.crashed === undefined;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    // A new group starts at the beginning: orders accepted before payment's first start are settled too.
    await this.consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: this.settings.commitIntervalMs,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.started = true;
  }

  /** Finishes the order in work, commits resolved offsets, leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.started = false;
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const source = { topic: batch.topic, partition: batch.partition };
    const control = { shouldContinue: () => isRunning() && !isStale(), heartbeat };
    for (const message of batch.messages) {
      if (!control.shouldContinue()) return;
      const done = await this.processor.process(message, source, control);
      if (!done) return;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }
}
