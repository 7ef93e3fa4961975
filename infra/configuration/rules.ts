import { z } from "zod";
import { INSTANCE_TYPE_PATTERN } from "../shared/instance-types";
import { isPrivate, overlaps, parseCidr } from "../network/cidr";
import { UNSET } from "./placeholders";

/**
 * Leaf validators for stack config. Every message states what is accepted, so the
 * error a user sees reads "<key> = <value>: accepted: <what>".
 */

export const accepted = (what: string) => ({ error: `accepted: ${what}` });

export const bool = () => z.boolean(accepted("true or false"));

export const intRange = (min: number, max: number) => {
  const what = accepted(`an integer from ${min} to ${max}`);
  return z.int(what).min(min, what).max(max, what);
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, accepted(`one of ${values.map((v) => `"${v}"`).join(", ")}`));

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const retentionDays = () =>
  z
    .number(accepted(`a CloudWatch Logs retention in days: ${LOG_RETENTION_DAYS.join(", ")}`))
    .refine(
      (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
      accepted(`a CloudWatch Logs retention in days: ${LOG_RETENTION_DAYS.join(", ")}`),
    );

/** An IPv4 CIDR block, optionally required to be a private (RFC 1918) range. */
/** RFC 5737's documentation ranges: examples that route nowhere, never a real client's address. */
const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map(parseCidr);

export const cidr = (options: { privateOnly?: boolean; minPrefix?: number; maxPrefix?: number; unsetAllowed?: boolean } = {}) => {
  const { privateOnly = false, minPrefix = 0, maxPrefix = 32, unsetAllowed = false } = options;
  const what = [
    "an IPv4 CIDR block such as 10.0.0.0/16",
    privateOnly ? "inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16" : "",
    minPrefix > 0 || maxPrefix < 32 ? `with a prefix from /${minPrefix} to /${maxPrefix}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const acceptedText = unsetAllowed ? `${what}, or "${UNSET}" to plan before you know it` : what;
  return z.string(accepted(acceptedText)).superRefine((value, ctx) => {
    if (unsetAllowed && value === UNSET) return;
    let reason: string | undefined;
    try {
      const block = parseCidr(value);
      if (block.prefix < minPrefix || block.prefix > maxPrefix) reason = `prefix /${block.prefix} is out of range`;
      else if (privateOnly && !isPrivate(block)) reason = "not a private range";
      else if (DOCUMENTATION_RANGES.some((range) => block.prefix >= range.prefix && overlaps(block, range)))
        reason = "inside a documentation range (RFC 5737), which no real client has";
    } catch (error) {
      reason = (error as Error).message;
    }
    if (reason) ctx.addIssue({ code: "custom", message: `${reason}; accepted: ${acceptedText}` });
  });
};

export const instanceType = () =>
  z
    .string(accepted("an EC2 instance type such as m7i.large"))
    .regex(INSTANCE_TYPE_PATTERN, accepted("an EC2 instance type such as m7i.large or t4g.small"));

export const AVAILABILITY_ZONE_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$/;

export const availabilityZone = () =>
  z
    .string(accepted("an availability zone name such as eu-west-1a"))
    .regex(AVAILABILITY_ZONE_PATTERN, accepted("an availability zone name such as eu-west-1a"));

export const IAM_ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role\/[\w+=,.@/-]+$/;

/** An IAM role ARN, or "" for none. */
export const optionalRoleArn = () => {
  const what = accepted('an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admins, or "" for none');
  return z.string(what).regex(new RegExp(`^$|${IAM_ROLE_ARN_PATTERN.source}`), what);
};

/** Kubernetes minor versions the kit's add-on pins are maintained for; EKS standard support. */
export const KUBERNETES_VERSIONS = ["1.34", "1.35", "1.36"] as const;

/** Tag keys and values as AWS accepts them. */
export const tags = () =>
  z.record(
    z
      .string()
      .regex(
        /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u,
        accepted("tag keys of 1–128 letters, digits, spaces or _.:/=+-@, not starting with aws:"),
      ),
    z.string(accepted("tag values as strings of up to 256 characters")).max(256, accepted("tag values of up to 256 characters")),
    accepted("a map of tag keys to string values"),
  );

/** A service-prefixed instance class: kafka.m7g.large, cache.r7g.large, db.r7g.large. */
export const serviceInstanceType = (prefix: "kafka" | "cache" | "db", example: string) => {
  const pattern = new RegExp(`^${prefix}\\.${INSTANCE_TYPE_PATTERN.source.slice(1)}`);
  const what = accepted(`a ${prefix}.* instance class such as ${example}`);
  return z.string(what).regex(pattern, what);
};

/** Kubernetes quantities as the kit accepts them: millicores / cores for CPU, Mi / Gi for memory. */
export const cpuQuantity = () => {
  const what = accepted('a CPU quantity such as "250m" or "1"');
  return z.string(what).regex(/^([1-9][0-9]*m|[0-9]+(\.[0-9]+)?)$/, what);
};
export const memoryQuantity = () => {
  const what = accepted('a memory quantity such as "256Mi" or "1Gi"');
  return z.string(what).regex(/^[1-9][0-9]*(Mi|Gi)$/, what);
};

/** An image tag that names one build: never "latest" or another moving tag. */
export const imageTag = () => {
  const what = accepted('an immutable image tag such as "1.4.2" or a git SHA (not "latest")');
  return z
    .string(what)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, what)
    .refine((tag) => !["latest", "stable", "main", "master", "dev"].includes(tag.toLowerCase()), what);
};

export const ACM_CERTIFICATE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/[0-9a-f-]{36}$/;
/** The all-zero certificate id: a placeholder that passes the pattern and fails at the load balancer. */
const ZERO_CERTIFICATE = /certificate\/0{8}-0{4}-0{4}-0{4}-0{12}$/;

export const certificateArn = () => {
  const what = `an ACM certificate ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-…, or "${UNSET}" to plan before you have one`;
  return z.string(accepted(what)).superRefine((value, ctx) => {
    if (value === UNSET) return;
    if (!ACM_CERTIFICATE_ARN_PATTERN.test(value)) ctx.addIssue({ code: "custom", message: `accepted: ${what}` });
    else if (ZERO_CERTIFICATE.test(value))
      ctx.addIssue({ code: "custom", message: `is the all-zero placeholder, no certificate of yours; accepted: ${what}` });
  });
};

export const hostname = () => {
  const what = accepted("a DNS name such as coupons.example.com");
  return z.string(what).regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, what);
};
