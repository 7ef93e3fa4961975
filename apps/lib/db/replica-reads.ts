import type { Pool } from "mysql2/promise";

export type ReadTarget = "reader" | "writer";

/** Errors that say the server could not be reached or the connection broke, not that the query was wrong. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
]);

export function isUnreachable(error: unknown): boolean {
  const { code, fatal } = (error ?? {}) as { code?: string; fatal?: boolean };
  return fatal === true || (code !== undefined && UNREACHABLE.has(code));
}

export interface ReplicaReadsOptions {
  /** How long reads skip a reader that failed to answer before trying it again. */
  readonly retryMs: number;
  /** Told where each read went, and when the reader failed (metrics, logs). */
  readonly onRead?: (target: ReadTarget) => void;
  readonly onReaderDown?: (error: unknown) => void;
  readonly now?: () => number;
}

/**
 * Reads that may go to a read replica: to the reader while it answers, to the writer
 * when there is none, when it cannot be reached (then for `retryMs` without trying it
 * again, so a dead replica costs one connect timeout, not one per request), or when
 * the caller needs what was just written. A query error from the reader is the
 * query's, not the reader's: it is thrown, not retried on the writer.
 */
export class ReplicaReads {
  private readerDownUntil = 0;

  constructor(
    private readonly writer: Pool,
    private readonly reader: Pool | undefined,
    private readonly options: ReplicaReadsOptions,
  ) {}

  async query<T>(run: (pool: Pool, target: ReadTarget) => Promise<T>, { fromWriter = false }: { fromWriter?: boolean } = {}): Promise<T> {
    const now = this.options.now ?? Date.now;
    if (this.reader && !fromWriter && now() >= this.readerDownUntil) {
      try {
        const result = await run(this.reader, "reader");
        this.options.onRead?.("reader");
        return result;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        this.readerDownUntil = now() + this.options.retryMs;
        this.options.onReaderDown?.(error);
      }
    }
    const result = await run(this.writer, "writer");
    this.options.onRead?.("writer");
    return result;
  }

  /** Closes the reader's pool (the writer's belongs to its owner). */
  async end(): Promise<void> {
    await this.reader?.end();
  }
}
