import { describe, expect, it, vi } from "vitest";
import { diffPlans, exitCodeOf } from "../../scripts/lib/plan/diff";
import { ENV_CHECKSUM_ANNOTATION } from "../../infra/apps/pod-template";
import { committedPlan, planOf } from "./harness/plan-of";

// The real program with one refactor: the database component renamed "db", with an
// alias to its old name (its children inherit it, as the engine derives them).
vi.mock("../../infra/data/database", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../infra/data/database")>();
  class Database extends original.Database {
    constructor(
      _name: string,
      args: ConstructorParameters<typeof original.Database>[1],
      opts?: ConstructorParameters<typeof original.Database>[2],
    ) {
      super("db", args, { ...opts, aliases: [{ name: "database" }] });
    }
  }
  return { ...original, Database };
});

describe("a component renamed with an alias", () => {
  it("moves its resources: the diff shows the moves, adds and deletes nothing, and nothing is dangerous", async () => {
    const diff = diffPlans(committedPlan("prod"), await planOf("prod", "prod"));
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.dangers).toEqual([]);
    const moved = diff.changed.filter((change) => change.movedFrom !== undefined);
    expect(moved.map((change) => change.resource.name)).toEqual(expect.arrayContaining(["db", "db-primary"]));
    // A move keeps the physical resource: nothing but the URN changes. The one exception is
    // the mocks' own: their generated passwords derive from the resource's name, so the pods'
    // env checksum moves here, where a real engine keeps the aliased password and its value.
    const inputChanges = diff.changed.flatMap((change) => change.inputs);
    const checksumPath = `spec.template.metadata.annotations.${ENV_CHECKSUM_ANNOTATION}`;
    expect(inputChanges.filter((change) => change.path !== checksumPath)).toEqual([]);
    expect(exitCodeOf(diff)).toBe(1);
  });
});
