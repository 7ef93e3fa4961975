import type { Rule } from "../lib/rule";
import { COMPUTE_RULES } from "./compute";
import { EKS_RULES } from "./eks";
import { ELASTICACHE_RULES } from "./elasticache";
import { ENCRYPTION_RULES } from "./encryption";
import { IAM_RULES } from "./iam";
import { KUBERNETES_RULES } from "./kubernetes";
import { MSK_RULES } from "./msk";
import { RDS_RULES } from "./rds";
import { STACK_RULES } from "./stack";
import { VPC_RULES } from "./vpc";

/** Every rule of the pack, grouped by service in the rule table's order. */
export const ALL_RULES: readonly Rule[] = [
  ...VPC_RULES,
  ...EKS_RULES,
  ...RDS_RULES,
  ...MSK_RULES,
  ...ELASTICACHE_RULES,
  ...COMPUTE_RULES,
  ...ENCRYPTION_RULES,
  ...IAM_RULES,
  ...KUBERNETES_RULES,
  ...STACK_RULES,
];
