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

/** A document with every generated section it carries brought up to date. */
export function regenerate(text: string, file: string, render: Record<string, () => string>): string {
  return sectionsIn(text).reduce((current, name) => {
    const renderer = render[name];
    if (!renderer) throw new Error(`${file}: unknown generated section "${name}"; known: ${Object.keys(render).join(", ")}`);
    return replaceSection(current, name, renderer(), file);
  }, text);
}

export interface DocsResult {
  readonly file: string;
  readonly stale: boolean;
  readonly updated: string;
}

export function checkDocuments(root: string, render = renderers(root)): DocsResult[] {
  return DOCUMENTS.map((file) => {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const updated = regenerate(text, file, render);
    return { file, stale: updated !== text, updated };
  });
}
