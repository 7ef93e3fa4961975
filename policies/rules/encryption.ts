import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { onTypes } from "../lib/props";
import type { Rule } from "../lib/rule";

const kmsKeyRotation: Rule = {
  kind: "resource",
  name: "kms-key-rotation",
  service: "encryption",
  description: "Every customer-managed KMS key rotates its key material (yearly by default).",
  fix: "set `enableKeyRotation: true` on the aws.kms.Key (infra/security/kms-key.ts does this for every key the kit makes).",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: onTypes<Unwrap<aws.kms.KeyArgs>>("aws:kms/key:Key", (key, _args, report) => {
    // Asymmetric and HMAC keys cannot rotate: only symmetric encryption keys are held to it.
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (spec === "SYMMETRIC_DEFAULT" && key.enableKeyRotation !== true) {
      report("This KMS key does not rotate its key material.");
    }
  }),
};

export const ENCRYPTION_RULES: readonly Rule[] = [kmsKeyRotation];
