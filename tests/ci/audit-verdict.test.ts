import { describe, expect, it } from "vitest";
import { auditVerdict } from "../../scripts/lib/audit-verdict";

/** Reports in the shape npm 11 prints (auditReportVersion 2). */
const report = (vulnerabilities: Record<string, { severity: string }>, counts: Record<string, number>) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts } },
  });

describe("the dependency audit's verdict", () => {
  it("fails on a high or critical vulnerability, naming the packages", () => {
    const verdict = auditVerdict(
      report(
        { express: { severity: "high" }, debug: { severity: "low" }, jose: { severity: "critical" } },
        { high: 1, critical: 1, low: 1, total: 3 },
      ),
    );
    expect(verdict).toEqual({
      kind: "fail",
      message: "2 high or critical vulnerabilities in runtime dependencies: express (high), jose (critical)",
    });
  });

  it("passes a report with only lower ones", () => {
    expect(auditVerdict(report({ debug: { severity: "moderate" } }, { moderate: 1, total: 1 }))).toEqual({
      kind: "pass",
      message: "no high or critical vulnerability in runtime dependencies (1 lower ones)",
    });
  });

  it("skips, out loud, when the registry's audit endpoint does not answer", () => {
    const refused = JSON.stringify({
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
      error: { summary: "", detail: "" },
    });
    expect(auditVerdict(refused)).toMatchObject({ kind: "skipped", message: expect.stringContaining("405 Method Not Allowed") });
    expect(auditVerdict(JSON.stringify({ error: { code: "ENOTFOUND", summary: "request to registry failed" } }))).toMatchObject({
      kind: "skipped",
    });
  });

  it("fails when npm printed something that is no audit at all", () => {
    expect(auditVerdict("npm ERR! something broke").kind).toBe("fail");
    expect(auditVerdict("{}").kind).toBe("fail");
  });
});
