/** mysql2 errors carry the server's error code name (ER_…), errno and SQL state. */
interface MysqlError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  fatal?: unknown;
  message?: unknown;
}

const asMysqlError = (err: unknown): MysqlError => (typeof err === "object" && err !== null ? (err as MysqlError) : {});

export const isDuplicateKey = (err: unknown, key?: string): boolean => {
  const e = asMysqlError(err);
  return e.code === "ER_DUP_ENTRY" && (key === undefined || String(e.message).includes(key));
};

/** Deadlock or lock wait timeout: the server rolled the statement back; running the transaction again is the fix. */
export const isLockConflict = (err: unknown): boolean => {
  const code = asMysqlError(err).code;
  return code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT";
};

/**
 * An error the server gave about this statement and its data (constraint, type, a
 * bug in SQL): retrying the same order cannot succeed forever. Connection-level
 * failures (no SQL state, fatal, state class 08, shutdown) are outages instead.
 */
export const isStatementError = (err: unknown): boolean => {
  const e = asMysqlError(err);
  if (typeof e.sqlState !== "string" || e.fatal === true) return false;
  if (e.sqlState.startsWith("08")) return false;
  return !isLockConflict(err) && e.code !== "ER_SERVER_SHUTDOWN" && e.code !== "ER_CONNECTION_KILLED" && e.code !== "ER_QUERY_INTERRUPTED";
};
