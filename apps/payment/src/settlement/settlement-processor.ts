import type { KafkaMessage } from "kafkajs";
import type { OrderEvent } from "../../../lib/flash-sale/order-event";
import type { Logger } from "../../../lib/logger";
import type { DeadLetters, MessageSource } from "../consumer/dead-letters";
import type { PaymentMetrics } from "../payment-metrics";
import { describeError, isOrderFault } from "./failure-kinds";
import type { OrderFinalizer } from "./order-finalizer";
import { parseOrderMessage } from "./order-message";
import type { ReservationRecord } from "./reservation-record";
import type { SettlementLedger } from "./settlement-ledger";
import type { RecordMismatch } from "./settlement-outcome";

export interface ProcessorSettings {
  maxAttempts: number;
  retryBackoffMs: number;
  outageBackoffMaxMs: number;
}

export interface ProcessorDeps {
  ledger: SettlementLedger;
  reservations: ReservationRecord;
  finalizer: OrderFinalizer;
  deadLetters: DeadLetters;
  metrics: PaymentMetrics;
  logger: Logger;
  settings: ProcessorSettings;
}

/** What the consumer needs while one message is in work: keep the group membership, stop when asked. */
export interface DeliveryControl {
  shouldContinue: () => boolean;
  heartbeat: () => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes one order message to an end: settled (MySQL committed, Redis updated, result
 * published), recognised as already settled, or dead-lettered. Returns true when the
 * message's offset may be committed, false only when stopped before that.
 */
export class SettlementProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  async process(message: KafkaMessage, source: MessageSource, control: DeliveryControl): Promise<boolean> {
    const parsed = parseOrderMessage(message);
    if (!parsed.ok) {
      return this.throughOutages(control, async () => {
        await this.deps.deadLetters.send(message, source, { reason: parsed.reason, attempts: 1 });
        this.deps.metrics.deadLettered.inc({ reason: parsed.reason });
        this.deps.logger.warn(
          { offset: message.offset, partition: source.partition, reason: parsed.reason },
          "unparsable order message dead-lettered",
        );
      });
    }
    const order = parsed.order;
    let faults = 0;
    let lastFault = "";
    let mismatch: RecordMismatch | undefined;
    const settled = await this.throughOutages(control, async () => {
      while (faults < this.deps.settings.maxAttempts) {
        try {
          mismatch = await this.settle(order);
          return;
        } catch (err) {
          if (!isOrderFault(err)) throw err;
          faults += 1;
          lastFault = describeError(err);
          this.deps.logger.warn({ err, orderId: order.orderId, attempt: faults }, "settlement failed for this order");
          if (faults < this.deps.settings.maxAttempts) await sleep(this.deps.settings.retryBackoffMs);
        }
      }
    });
    if (!settled) return false;
    if (mismatch) return this.throughOutages(control, () => this.deadLetterUnmatched(order, message, source, mismatch!));
    if (faults < this.deps.settings.maxAttempts) return true;
    return this.throughOutages(control, () => this.deadLetter(order, message, source, faults, lastFault));
  }

  /** Settles the order, or returns why the event does not match the record (then nothing has moved). */
  private async settle(order: OrderEvent): Promise<RecordMismatch | undefined> {
    const { ledger, reservations, finalizer, metrics, logger } = this.deps;
    if (!(await reservations.matches(order))) return "no_matching_reservation";
    const stopTimer = metrics.settleDuration.startTimer();
    const settlement = await ledger.settle(order);
    if ("unmatched" in settlement) return settlement.unmatched;
    // After the commit: a crash here redelivers the order, which finds its settlement
    // and applies this same Redis step, which only the first call can change.
    const finalized = await finalizer.apply(order, settlement.outcome, settlement.reason);
    stopTimer();
    if (settlement.settledNow) metrics.settlements.inc({ outcome: settlement.outcome });
    else metrics.redeliveries.inc();
    if (finalized.changed) metrics.notifications.inc();
    else if (finalized.statusBefore === "")
      logger.warn({ orderId: order.orderId }, "settled an order Redis does not know (its sale state is gone)");
    return undefined;
  }

  /**
   * An event that matches no record is forged or corrupt: park it on the dead-letter
   * topic with the reason and touch nothing else. The reservation it names (if any)
   * stays as it was, for the genuine event to settle.
   */
  private async deadLetterUnmatched(
    order: OrderEvent,
    message: KafkaMessage,
    source: MessageSource,
    reason: RecordMismatch,
  ): Promise<void> {
    await this.deps.deadLetters.send(message, source, { reason, attempts: 1 });
    this.deps.metrics.deadLettered.inc({ reason });
    this.deps.logger.warn(
      { orderId: order.orderId, userId: order.userId, couponId: order.couponId, reason },
      "order event does not match the record",
    );
  }

  /**
   * The order kept failing on its own data: park it on the dead-letter topic, then
   * release its unit (status rolled_back) so the buyer gets an answer and the unit
   * is sold again. The decision is recorded in MySQL first, so a replay of the
   * topic can never settle it after the unit went back on sale.
   */
  private async deadLetter(
    order: OrderEvent,
    message: KafkaMessage,
    source: MessageSource,
    attempts: number,
    error: string,
  ): Promise<void> {
    const { deadLetters, ledger, finalizer, metrics, logger } = this.deps;
    await deadLetters.send(message, source, { reason: "settlement_failed", error, attempts });
    metrics.deadLettered.inc({ reason: "settlement_failed" });
    try {
      const decision = await ledger.markRolledBack(order, "settlement_failed");
      await finalizer.apply(order, decision.outcome, decision.reason);
      if (decision.settledNow) metrics.settlements.inc({ outcome: decision.outcome });
    } catch (err) {
      if (!isOrderFault(err)) throw err;
      // The dead-letter topic holds the order; it stays pending until an operator replays it.
      logger.error({ err, orderId: order.orderId }, "dead-lettered order could not be released");
    }
    logger.error({ orderId: order.orderId, attempts, error }, "order dead-lettered after repeated failures");
  }

  /**
   * Runs `step` until it succeeds, waiting out outages with a growing back-off and
   * keeping the group membership alive meanwhile. Faults of the order itself must
   * be handled inside `step`; anything that escapes it is treated as an outage.
   */
  private async throughOutages(control: DeliveryControl, step: () => Promise<void>): Promise<boolean> {
    let backoff = this.deps.settings.retryBackoffMs;
    while (control.shouldContinue()) {
      try {
        await step();
        return true;
      } catch (err) {
        this.deps.metrics.outageRetries.inc();
        this.deps.logger.warn({ err, backoffMs: backoff }, "settlement waiting for its dependencies");
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.deps.settings.outageBackoffMaxMs);
        // A failed heartbeat means the group is rebalancing: give the partition up
        // unresolved; whoever gets it next starts again from the committed offset.
        if (
          !(await control.heartbeat().then(
            () => true,
            () => false,
          ))
        )
          return false;
      }
    }
    return false;
  }
}
