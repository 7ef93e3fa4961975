/**
 * One schema change. Statements should be re-runnable (IF NOT EXISTS …):
 * MySQL commits DDL implicitly, so a crash between a statement and the version
 * record must leave something that the next run can finish.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}
