import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The zones a stack spreads over: the ones its config lists, else the region's
 * zones that need no opt-in (Local Zones and Wavelength are left out: EKS, RDS
 * and MSK are not offered there), in AWS's order.
 */
export function resolveAvailabilityZones(configured: readonly string[]): pulumi.Output<string[]> {
  if (configured.length > 0) return pulumi.output([...configured]);
  return aws.getAvailabilityZonesOutput({
    state: "available",
    filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
  }).names;
}
