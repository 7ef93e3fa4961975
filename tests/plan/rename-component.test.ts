import { describe, expect, it, vi } from "vitest";
import { diffPlans, exitCodeOf } from "../../scripts/lib/plan/diff";
import { committedPlan, planOf } from "./harness/plan-of";

// The real program with one refactor: the database component renamed "db", no alias.
vi.mock("../../infra/data/database", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../infra/data/database")>();
  class Database extends original.Database {
    constructor(
      _name: string,
      args: ConstructorParameters<typeof original.Database>[1],
      opts?: ConstructorParameters<typeof original.Database>[2],
    ) {
      super("db", args, opts);
    }
  }
  return { ...original, Database };
});

describe("a component renamed without an alias", () => {
  it("replaces the database and its key: the diff flags them dangerous and exits 2", async () => {
    const diff = diffPlans(committedPlan("prod"), await planOf("prod", "prod"));
    const primary = diff.dangers.find((danger) => danger.urn.endsWith("::database-primary"));
    expect(primary?.reason).toMatch(/declared again as .*::db-primary without an alias/);
    expect(diff.dangers.map((danger) => danger.type)).toEqual(expect.arrayContaining(["aws:rds/instance:Instance", "aws:kms/key:Key"]));
    expect(exitCodeOf(diff)).toBe(2);
  });
});
