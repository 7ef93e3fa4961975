import { PolicyPack } from "@pulumi/policy";
import { toPolicy } from "./lib/rule";
import { ALL_RULES } from "./rules";

// The engine runs this file as the analyzer: constructing the pack starts its server.
// Tests and `npm run policy` import the rules (./rules) and never this file.
new PolicyPack("coupon-platform", {
  description: "Guard rails for coupon-platform stacks (AWS and Kubernetes). Levels per profile: policies/config/<profile>.json.",
  policies: ALL_RULES.map(toPolicy),
});
