/** How payment decided an order. `rolled_back`: released without a decision, after it kept failing. */
export type SettlementOutcome = "paid" | "refused" | "rolled_back";

export type RefusalReason = "insufficient_credit" | "unknown_user" | "coupon_gone" | "already_purchased";

export interface Settlement {
  outcome: SettlementOutcome;
  reason: string | null;
  /** False when the order had been settled before (redelivery or replay): nothing changed now. */
  settledNow: boolean;
}

/**
 * Why an order event was not settled at all: it does not match the record (the
 * reservation in Redis, the coupon in MySQL, or the settlement already made). Such
 * an event is forged or corrupt: it is dead-lettered and nothing moves.
 */
export type RecordMismatch = "no_matching_reservation" | "unknown_coupon" | "price_mismatch" | "does_not_match_settlement";

export interface Unmatched {
  unmatched: RecordMismatch;
}
