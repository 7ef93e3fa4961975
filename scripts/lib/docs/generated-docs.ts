import * as fs from "fs";
import * as path from "path";
import { couponEnvSchema } from "../../../apps/coupon/src/config";
import { gatewayEnvSchema } from "../../../apps/gateway/src/config";
import { paymentEnvSchema } from "../../../apps/payment/src/config";
import { envTable } from "./env-tables";
import { replaceSection, sectionsIn } from "./markers";
import { stackKeysTable } from "./stack-keys";
import { stackOutputsTable } from "./stack-outputs";

/** Each generated section by name, rendered from the code that owns the facts. */
export function renderers(root: string): Record<string, () => string> {
  return {
    "stack-keys": () => stackKeysTable(),
    "stack-outputs": () => stackOutputsTable(path.join(root, "infra", "index.ts")),
    "coupon-env": () => envTable(couponEnvSchema),
    "payment-env": () => envTable(paymentEnvSchema),
    "gateway-env": () => envTable(gatewayEnvSchema),
  };
}

/** The documents that carry generated sections. */
export const DOCUMENTS = ["README.md", "stacks/README.md", "docs/SERVICES.md", "docs/PAYMENT-GATEWAY.md"];

export interface Regenerated {
  readonly updated: string;
  /** The sections whose rendering differs from what the document holds. */
  readonly staleSections: readonly string[];
}

/** A document with every generated section it carries brought up to date. */
export function regenerate(text: string, file: string, render: Record<string, () => string>): Regenerated {
  let updated = text;
  const staleSections: string[] = [];
  for (const name of sectionsIn(text, file)) {
    const renderer = render[name];
    if (!renderer) throw new Error(`${file}: unknown generated section "${name}"; known: ${Object.keys(render).join(", ")}`);
    const next = replaceSection(updated, name, renderer(), file);
    if (next !== updated) staleSections.push(name);
    updated = next;
  }
  return { updated, staleSections };
}

export interface DocsResult extends Regenerated {
  readonly file: string;
  readonly stale: boolean;
}

export function checkDocuments(root: string, render = renderers(root)): DocsResult[] {
  return DOCUMENTS.map((file) => {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const regenerated = regenerate(text, file, render);
    return { file, stale: regenerated.updated !== text, ...regenerated };
  });
}

/** One line per stale document, naming its stale sections: what --check prints and the test asserts on. */
export function staleReport(results: readonly DocsResult[]): string[] {
  return results.filter((result) => result.stale).map(({ file, staleSections }) => `${file}: ${staleSections.join(", ")}`);
}
