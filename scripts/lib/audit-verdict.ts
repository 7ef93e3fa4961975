/**
 * What `npm audit --omit=dev --audit-level=high --json` said, as a CI verdict. A
 * registry whose audit endpoint does not answer (a mirror, a proxy that allows only
 * GET, no network) is not a pass: it is a skip, said out loud. Anything npm prints
 * that is neither a report nor a registry error fails, so a broken audit never
 * passes silently.
 */
export type AuditVerdict = { kind: "pass"; message: string } | { kind: "fail"; message: string } | { kind: "skipped"; message: string };

const BLOCKING = ["high", "critical"] as const;

interface AuditReport {
  metadata: { vulnerabilities: Record<string, number> };
  vulnerabilities?: Record<string, { severity?: string }>;
}

interface RegistryError {
  message?: string;
  statusCode?: number;
  error?: { code?: string; summary?: string; detail?: string };
}

export function auditVerdict(stdout: string): AuditVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { kind: "fail", message: `npm audit printed no JSON report: ${stdout.trim().split("\n")[0]?.slice(0, 200) ?? ""}` };
  }
  const report = parsed as Partial<AuditReport>;
  if (report.metadata?.vulnerabilities) {
    const counts = report.metadata.vulnerabilities;
    const blocking = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => BLOCKING.includes(v.severity as (typeof BLOCKING)[number]))
      .map(([name, v]) => `${name} (${v.severity ?? "?"})`);
    const total = BLOCKING.reduce((sum, level) => sum + (counts[level] ?? 0), 0);
    if (total > 0)
      return { kind: "fail", message: `${total} high or critical vulnerabilities in runtime dependencies: ${blocking.join(", ")}` };
    return { kind: "pass", message: `no high or critical vulnerability in runtime dependencies (${counts.total ?? 0} lower ones)` };
  }
  const failure = parsed as RegistryError;
  if (failure.statusCode !== undefined || failure.error !== undefined) {
    const why = failure.message ?? failure.error?.summary ?? failure.error?.code ?? "no answer";
    return { kind: "skipped", message: `the registry's audit endpoint did not answer (${why}): dependency audit skipped` };
  }
  return { kind: "fail", message: "npm audit printed JSON that is neither a report nor a registry error" };
}
