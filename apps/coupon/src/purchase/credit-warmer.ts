import type { SpendableCredit } from "./spendable-credit";

export interface CreditWarmerSettings {
  /** Fills in flight at most: they share the writer pool with purchases, which must not queue behind them. */
  concurrency: number;
  /** Buyers waiting at most; past it a view warms nothing (the purchase fills the credit itself if it must). */
  maxQueued: number;
  onError: (err: unknown) => void;
}

/**
 * Fills spendable credit ahead of likely purchases (a buyer looking at a coupon on
 * sale), a few at a time, so a surge of page views before a sale neither floods
 * MySQL nor takes the connections purchases need. Each buyer is queued once.
 */
export class CreditWarmer {
  private readonly queued = new Set<string>();
  private readonly waiting: string[] = [];
  private running = 0;

  constructor(
    private readonly credit: SpendableCredit,
    private readonly settings: CreditWarmerSettings,
  ) {}

  warm(userId: string): void {
    if (this.queued.has(userId) || this.queued.size >= this.settings.maxQueued) return;
    this.queued.add(userId);
    this.waiting.push(userId);
    this.next();
  }

  private next(): void {
    while (this.running < this.settings.concurrency) {
      const userId = this.waiting.shift();
      if (userId === undefined) return;
      this.running++;
      this.credit
        .warm(userId)
        .catch(this.settings.onError)
        .finally(() => {
          this.running--;
          this.queued.delete(userId);
          this.next();
        });
    }
  }
}
