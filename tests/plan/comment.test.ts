import { describe, expect, it } from "vitest";
import { outcomeOf, renderComment } from "../../scripts/lib/plan/comment";

const diffOutput = (stack: string, headline: string) => `### Plan diff: stack \`${stack}\` against \`main\`\n\n${headline}\n`;

describe("the pull-request comment", () => {
  it("takes plan:diff's exit code when the diff was printed", () => {
    expect(outcomeOf({ status: 0, stdout: diffOutput("dev", "no change"), stderr: "" })).toBe(0);
    expect(outcomeOf({ status: 1, stdout: diffOutput("dev", "1 to change"), stderr: "" })).toBe(1);
    expect(outcomeOf({ status: 2, stdout: diffOutput("dev", "**1 dangerous**"), stderr: "" })).toBe(2);
  });

  it("counts a crash as a failed diff, not as changes, even when the script exits 1", () => {
    const crash = { status: 1, stdout: "", stderr: "Error: Cannot find module '../../policies/rules'\n    at …" };
    expect(outcomeOf(crash)).toBe(3);
    expect(outcomeOf({ status: null, stdout: "", stderr: "killed" })).toBe(3);
    const { worst, comment } = renderComment("main", [
      { stack: "dev", result: { status: 1, stdout: diffOutput("dev", "1 to change"), stderr: "" } },
      { stack: "prod", result: crash },
    ]);
    expect(worst).toBe(3);
    expect(comment).toMatch(/^\*\*Offline plan diff\*\* .*\*\*a diff failed\*\*/);
    expect(comment).toContain("### Plan diff: stack `prod`\n\nThe diff could not be made:");
    expect(comment).toContain("Cannot find module");
  });

  it("heads the comment with the worst outcome and keeps it under GitHub's size limit", () => {
    const huge = diffOutput("prod", `1 to change\n${"| row |\n".repeat(20_000)}`);
    const { worst, comment } = renderComment("main", [
      { stack: "dev", result: { status: 0, stdout: diffOutput("dev", "no change"), stderr: "" } },
      { stack: "prod", result: { status: 1, stdout: huge, stderr: "" } },
    ]);
    expect(worst).toBe(1);
    expect(comment.length).toBeLessThan(65_536);
    expect(comment).toContain("cut to fit a comment");
  });
});
