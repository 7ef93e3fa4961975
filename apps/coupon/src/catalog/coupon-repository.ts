import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import type { ReadTarget, ReplicaReads } from "../../../lib/db/replica-reads";
import type { CouponMetrics } from "../coupon-metrics";
import type { Coupon, CouponPage } from "./coupon";

export interface NewCoupon {
  name: string;
  description: string;
  priceCents: number;
  stock: number;
  saleStartsAt: Date;
  saleEndsAt: Date;
}

interface CouponRow extends RowDataPacket {
  id: string;
  name: string;
  description: string;
  price_cents: string;
  initial_stock: number;
  sale_starts_at: Date;
  sale_ends_at: Date;
}

const COLUMNS = "id, name, description, price_cents, initial_stock, sale_starts_at, sale_ends_at";

function toCoupon(row: CouponRow): Coupon {
  return {
    id: String(row.id),
    name: row.name,
    description: row.description,
    priceCents: Number(row.price_cents),
    initialStock: Number(row.initial_stock),
    saleStartsAt: row.sale_starts_at.toISOString(),
    saleEndsAt: row.sale_ends_at.toISOString(),
  };
}

/**
 * The coupon table of record. Writes go to the writer's pool; catalog reads go through
 * `reads`, to the read replica where there is one. Every read is counted: the cache
 * tests prove MySQL is spared.
 */
export class CouponRepository {
  constructor(
    private readonly pool: Pool,
    private readonly reads: ReplicaReads,
    private readonly metrics: CouponMetrics,
  ) {}

  async insert(connection: PoolConnection, coupon: NewCoupon): Promise<string> {
    const [result] = await connection.execute<ResultSetHeader>(
      `INSERT INTO coupons (name, description, price_cents, initial_stock, stock, sale_starts_at, sale_ends_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [coupon.name, coupon.description, coupon.priceCents, coupon.stock, coupon.stock, coupon.saleStartsAt, coupon.saleEndsAt],
    );
    return String(result.insertId);
  }

  /**
   * One coupon. A replica that has no such row may just not have received it yet (a
   * coupon created a moment ago): the writer confirms before "not found" is believed,
   * since the catalog caches that answer too.
   */
  async findById(id: string): Promise<Coupon | undefined> {
    this.metrics.catalogDbQueries.inc({ query: "find_by_id" });
    const answered: { by: ReadTarget } = { by: "writer" };
    const select = async (pool: Pool, target: ReadTarget) => {
      answered.by = target;
      return (await pool.execute<CouponRow[]>(`SELECT ${COLUMNS} FROM coupons WHERE id = ?`, [id]))[0][0];
    };
    const row =
      (await this.reads.query(select)) ?? (answered.by === "reader" ? await this.reads.query(select, { fromWriter: true }) : undefined);
    return row ? toCoupon(row) : undefined;
  }

  /** Newest first. One extra row tells whether another page exists without a COUNT(*). */
  async listPage(page: number, size: number, { fromWriter = false }: { fromWriter?: boolean } = {}): Promise<CouponPage> {
    this.metrics.catalogDbQueries.inc({ query: "list_page" });
    const offset = (page - 1) * size;
    const [rows] = await this.reads.query(
      (pool) => pool.query<CouponRow[]>(`SELECT ${COLUMNS} FROM coupons ORDER BY id DESC LIMIT ? OFFSET ?`, [size + 1, offset]),
      { fromWriter },
    );
    return { page, size, items: rows.slice(0, size).map(toCoupon), hasMore: rows.length > size };
  }

  connection(): Promise<PoolConnection> {
    return this.pool.getConnection();
  }
}
