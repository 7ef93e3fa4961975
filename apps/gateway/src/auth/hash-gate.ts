import { serviceUnavailable } from "../../../lib/http/http-error";

/**
 * Bounds password hashing: at most `concurrency` hashes run at once (each holds
 * 32 MiB and a libuv thread, which DNS and file I/O share), and at most
 * `queueLimit` wait for a turn. Beyond that a login flood is answered 503 at once
 * instead of queueing without end: the rest of the gateway keeps its threads.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) throw serviceUnavailable("hashing_busy", "too many sign-ins at once; retry shortly", 1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
