/** How payment decided an order. `rolled_back`: released without a decision, after it kept failing. */
export type SettlementOutcome = "paid" | "refused" | "rolled_back";

export type RefusalReason = "insufficient_credit" | "unknown_user" | "coupon_gone" | "already_purchased";

export interface Settlement {
  outcome: SettlementOutcome;
  reason: string | null;
  /** False when the order had been settled before (redelivery or replay): nothing changed now. */
  settledNow: boolean;
}
