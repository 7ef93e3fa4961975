import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/port-probe";
import { createMysqlPool, createMysqlReaderPool } from "../clients/mysql";
import { mysqlEnv } from "../config/common-env";
import { ReplicaReads, type ReadTarget } from "../db/replica-reads";

/** Real MariaDB on loopback as the writer; the reader is the same server, or an address nothing listens on. */
const writerEnv = mysqlEnv.parse({ MYSQL_DATABASE: "mysql" });
const whoAnswers = (pool: Pool, target: ReadTarget) => pool.query("SELECT 1 AS one").then(() => target);

describe("reads from a read replica, falling back to the writer", () => {
  let writer: Pool;
  let deadReader: Pool;
  let liveReader: Pool;

  beforeAll(async () => {
    writer = createMysqlPool(writerEnv);
    deadReader = createMysqlReaderPool({ ...writerEnv, MYSQL_READER_HOST: "127.0.0.1", MYSQL_READER_PORT: await freePort() }) as Pool;
    liveReader = createMysqlReaderPool({ ...writerEnv, MYSQL_READER_HOST: "127.0.0.1" }) as Pool;
  });

  afterAll(async () => {
    await Promise.all([writer.end(), deadReader.end(), liveReader.end()]);
  });

  it("reads from the reader while it answers", async () => {
    const seen: ReadTarget[] = [];
    const reads = new ReplicaReads(writer, liveReader, { retryMs: 60_000, onRead: (target) => seen.push(target) });
    expect(await reads.query(whoAnswers)).toBe("reader");
    expect(seen).toEqual(["reader"]);
  });

  it("answers from the writer when the reader is down, then skips the reader until the retry time has passed", async () => {
    let clock = 1_000;
    const downs: unknown[] = [];
    const reads = new ReplicaReads(writer, deadReader, { retryMs: 5_000, now: () => clock, onReaderDown: (error) => downs.push(error) });
    expect(await reads.query(whoAnswers)).toBe("writer");
    expect(downs).toHaveLength(1);
    expect((downs[0] as { code?: string }).code).toBe("ECONNREFUSED");
    // Within the retry time the dead reader is not even tried.
    clock += 4_999;
    expect(await reads.query(whoAnswers)).toBe("writer");
    expect(downs).toHaveLength(1);
    // After it, it is tried (and fails) again.
    clock += 2;
    expect(await reads.query(whoAnswers)).toBe("writer");
    expect(downs).toHaveLength(2);
  });

  it("reads from the writer when asked, and when there is no reader", async () => {
    expect(await new ReplicaReads(writer, liveReader, { retryMs: 1 }).query(whoAnswers, { fromWriter: true })).toBe("writer");
    expect(await new ReplicaReads(writer, undefined, { retryMs: 1 }).query(whoAnswers)).toBe("writer");
  });

  it("throws a query's own error instead of running it again on the writer", async () => {
    const targets: ReadTarget[] = [];
    const reads = new ReplicaReads(writer, liveReader, { retryMs: 1, onRead: (target) => targets.push(target) });
    await expect(reads.query((pool, target) => (targets.push(target), pool.query("SELECT * FROM no_such_table")))).rejects.toMatchObject({
      code: "ER_NO_SUCH_TABLE",
    });
    expect(targets).toEqual(["reader"]);
  });
});
