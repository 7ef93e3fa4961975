import { spawnSync } from "node:child_process";
import { auditVerdict } from "./lib/audit-verdict";

/** `npm run audit:deps`: high or critical vulnerabilities in runtime dependencies fail; an unanswering registry is a loud skip. */
const run = spawnSync("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"], { encoding: "utf8", timeout: 120_000 });
const verdict = auditVerdict(run.stdout ?? "");
console.log(`[audit] ${verdict.kind}: ${verdict.message}`);
process.exit(verdict.kind === "fail" ? 1 : 0);
