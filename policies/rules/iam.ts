import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { conditionValues, listOf, statementsOf, type Statement } from "../lib/policy-document";
import { indicesOf, onTypes, whenKnown } from "../lib/props";
import type { Rule } from "../lib/rule";

const POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
const ROLE = "aws:iam/role:Role";
const ATTACHMENTS: readonly string[] = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
];
const EXCLUSIVE_ATTACHMENTS: readonly string[] = [
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
];

type DocumentProps =
  Unwrap<aws.iam.PolicyArgs> | Unwrap<aws.iam.RolePolicyArgs> | Unwrap<aws.iam.UserPolicyArgs> | Unwrap<aws.iam.GroupPolicyArgs>;
type RoleProps = Unwrap<aws.iam.RoleArgs>;
type AttachmentProps = Unwrap<aws.iam.RolePolicyAttachmentArgs>;
type ExclusiveAttachmentsProps = Unwrap<aws.iam.RolePolicyAttachmentsExclusiveArgs>;

/** A policy statement as parsed from JSON: nothing about its shape can be assumed. */

/** IAM's wildcard match for action names: case-insensitive, `*` for any run of characters, `?` for one. */
function actionPatternMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(action);
}

function statementLabel(index: number, statement: Statement): string {
  return typeof statement.Sid === "string" && statement.Sid !== "" ? `Statement[${index}] (Sid "${statement.Sid}")` : `Statement[${index}]`;
}

/**
 * Each statement of a document that is known, with its index. A document or statement
 * not known during preview is skipped on its own, so the others are still judged.
 */
function knownStatements(read: () => unknown): Array<{ readonly index: number; readonly read: () => Statement }> {
  const statements = whenKnown(() => statementsOf(read()));
  return indicesOf(statements).map((index) => ({
    index,
    read: () => {
      const statement = statements![index];
      return typeof statement === "object" && statement !== null ? (statement as Statement) : {};
    },
  }));
}

// ---------------------------------------------------------------------------------------
// No administrator access

const ANY_ACTION = new Set(["*", "*:*"]);

/** What makes a statement grant administrator access; undefined when it does not. */
function adminGrant(statement: Statement): string | undefined {
  if (statement.Effect !== "Allow") return undefined;
  const resources = listOf(statement.Resource);
  const onEverything = resources.includes("*")
    ? 'on Resource "*"'
    : statement.NotResource !== undefined
      ? `on every resource but NotResource ${JSON.stringify(listOf(statement.NotResource))}`
      : undefined;
  if (!onEverything) return undefined;
  const actions = listOf(statement.Action).filter((action) => ANY_ACTION.has(action));
  const [first] = actions;
  if (first !== undefined) return `allows Action "${first}" ${onEverything}`;
  // Allow + NotAction grants every action but the listed ones, including every action AWS adds later:
  // on every resource that is administrator access minus a few exceptions (PowerUserAccess is built so).
  if (statement.NotAction !== undefined)
    return `allows every action but NotAction ${JSON.stringify(listOf(statement.NotAction))} ${onEverything}`;
  return undefined;
}

function checkDocument(read: () => unknown, where: string, report: ReportViolation): void {
  for (const { index, read: readStatement } of knownStatements(read)) {
    const found = whenKnown(() => {
      const statement = readStatement();
      const grant = adminGrant(statement);
      return grant ? `${where}${statementLabel(index, statement)} ${grant}: administrator access.` : undefined;
    });
    if (found) report(found);
  }
}

/**
 * AWS-managed policies that are administrator access or one step from it:
 * AdministratorAccess; PowerUserAccess (every action but IAM and Organizations, on
 * everything); IAMFullAccess (enough to grant oneself anything).
 */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

function checkPolicyArns(read: () => readonly string[] | undefined, field: string, report: ReportViolation): void {
  const arns = whenKnown(read) ?? [];
  indicesOf(arns).forEach((i) => {
    const arn = whenKnown(() => arns[i]);
    if (arn !== undefined && ADMINISTRATOR_ACCESS.test(arn)) report(`${field}[${i}] attaches ${arn}: administrator access.`);
  });
}

/**
 * Attachments of the AWS-managed AdministratorAccess policy are held to the same rule:
 * that policy is exactly the Action "*" on Resource "*" statement, so a rule that let it
 * through would be bypassed by attaching instead of writing it inline.
 */
function checkAdminAttachments(args: ResourceValidationArgs, report: ReportViolation): void {
  if (ATTACHMENTS.includes(args.type)) {
    const arn = (args.props as AttachmentProps).policyArn;
    if (ADMINISTRATOR_ACCESS.test(arn)) report(`This attachment attaches ${arn} (policyArn): administrator access.`);
  } else if (EXCLUSIVE_ATTACHMENTS.includes(args.type)) {
    checkPolicyArns(() => (args.props as ExclusiveAttachmentsProps).policyArns, "policyArns", report);
  } else if (args.type === ROLE) {
    checkPolicyArns(() => (args.props as RoleProps).managedPolicyArns, "managedPolicyArns", report);
  }
}

const noAdminPolicy: Rule = {
  kind: "resource",
  name: "iam-no-admin-policy",
  service: "iam",
  description:
    'No IAM policy grants administrator access: no Allow statement gives Action "*" on Resource "*", or every action but a few (NotAction) on Resource "*", or either on every resource but a few (NotResource). Checked in aws.iam.Policy, RolePolicy, UserPolicy, GroupPolicy and aws.iam.Role inlinePolicies, whether the document is a JSON string or an object. Attaching the AWS-managed AdministratorAccess policy, or PowerUserAccess or IAMFullAccess (one step from it), through policy attachments, exclusive attachments or Role managedPolicyArns, is the same grant and is reported too.',
  fix: "grant only the actions and resources the workload needs, one statement per purpose, scoped to ARNs or tags, as the add-on modules under infra/cluster/addons/ and infra/data/kafka-iam-policies.ts do; attach a narrower policy instead of AdministratorAccess, PowerUserAccess or IAMFullAccess.",
  levels: { prod: "mandatory", dev: "mandatory" },
  validateResource: (args, report) => {
    if ([POLICY, ROLE_POLICY, USER_POLICY, GROUP_POLICY].includes(args.type)) {
      checkDocument(() => (args.props as DocumentProps).policy, "", report);
    } else if (args.type === ROLE) {
      const role = args.props as RoleProps;
      const inline = whenKnown(() => role.inlinePolicies) ?? [];
      indicesOf(inline).forEach((i) => {
        const name = whenKnown(() => inline[i]!.name);
        checkDocument(() => inline[i]!.policy, `inlinePolicies[${i}]${name ? ` ("${name}")` : ""} `, report);
      });
    }
    checkAdminAttachments(args, report);
  },
};

// ---------------------------------------------------------------------------------------
// IRSA trust pinned to one service account

const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
const STS_AUDIENCE = "sts.amazonaws.com";
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const OIDC_PROVIDER = /:oidc-provider\/(.+)$/;

interface TrustSettings {
  readonly nonKubernetesIssuers?: readonly string[];
}

function allowsWebIdentity(statement: Statement): boolean {
  if (statement.Effect !== "Allow") return false;
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some((pattern) => actionPatternMatches(pattern, WEB_IDENTITY));
  return listOf(statement.Action).some((pattern) => actionPatternMatches(pattern, WEB_IDENTITY));
}

/** The OIDC issuers (host and path, as condition keys name them) a statement's Federated principal trusts. */
function oidcIssuers(statement: Statement): string[] {
  const principal = statement.Principal;
  if (typeof principal !== "object" || principal === null) return [];
  return listOf((principal as Record<string, unknown>).Federated).flatMap((arn) => {
    const match = OIDC_PROVIDER.exec(arn);
    return match?.[1] ? [match[1]] : [];
  });
}

/** What is wrong with how a statement pins one issuer's tokens; one line each. */
function pinningProblems(statement: Statement, issuer: string): string[] {
  const condition =
    typeof statement.Condition === "object" && statement.Condition !== null ? (statement.Condition as Record<string, unknown>) : {};
  const sub = `${issuer}:sub`;
  const aud = `${issuer}:aud`;
  const problems: string[] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    if (operator !== "StringEquals" && conditionValues(keys, sub) !== undefined) {
      problems.push(`matches ${sub} with ${operator} instead of StringEquals`);
    }
  }
  const subjects = conditionValues(condition.StringEquals, sub);
  if (subjects === undefined) {
    problems.push(`has no StringEquals condition on ${sub}, so any service account of the cluster can assume the role`);
  } else if (subjects.length !== 1) {
    problems.push(
      `admits ${subjects.length} subjects in StringEquals ${sub} (${JSON.stringify(subjects)}); exactly one service account is allowed`,
    );
  } else if (!SERVICE_ACCOUNT_SUBJECT.test(subjects[0]!)) {
    problems.push(
      `pins ${sub} to "${subjects.join(", ")}", which is not one service account (system:serviceaccount:<namespace>:<name>, no wildcards)`,
    );
  }
  const audiences = conditionValues(condition.StringEquals, aud);
  if (audiences === undefined) {
    problems.push(`has no StringEquals condition on ${aud}`);
  } else if (audiences.length !== 1 || audiences[0] !== STS_AUDIENCE) {
    problems.push(`allows audience ${JSON.stringify(audiences)} in StringEquals ${aud}; it must be "${STS_AUDIENCE}" alone`);
  }
  return problems;
}

const irsaTrustPinned: Rule = {
  kind: "resource",
  name: "iam-irsa-trust-pinned",
  service: "iam",
  description:
    "A role that trusts a Kubernetes cluster's OIDC provider (IRSA) can be assumed by one service account only: every Allow statement of an aws.iam.Role assumeRolePolicy that allows sts:AssumeRoleWithWebIdentity (wildcards and NotAction included) to a Federated OIDC-provider principal has a StringEquals condition on `<issuer>:sub` with exactly one value `system:serviceaccount:<namespace>:<name>` (no wildcards, no StringLike) and on `<issuer>:aud` equal to `sts.amazonaws.com`. Issuers that are not Kubernetes clusters (a CI system's, say) issue other subjects: list them in the rule's `nonKubernetesIssuers` setting and their trust is not judged here.",
  fix: "create IRSA roles with createIrsaRole in infra/cluster/irsa-role.ts, which writes exactly this trust policy (StringEquals on `<issuer>:aud` = sts.amazonaws.com and `<issuer>:sub` = system:serviceaccount:<namespace>:<serviceAccount>); give each service account its own role rather than widening the subject.",
  levels: { prod: "mandatory", dev: "mandatory" },
  configSchema: {
    properties: {
      nonKubernetesIssuers: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "OIDC issuers (as in the provider ARN after oidc-provider/, e.g. token.actions.githubusercontent.com) that are not Kubernetes clusters; trust in them is not judged by this rule.",
      },
    },
  },
  validateResource: onTypes<RoleProps>(ROLE, (role, args, report) => {
    const exempt = new Set((args.getConfig<TrustSettings>().nonKubernetesIssuers ?? []).map((issuer) => issuer.toLowerCase()));
    for (const { index, read } of knownStatements(() => role.assumeRolePolicy)) {
      const findings = whenKnown(() => {
        const statement = read();
        if (!allowsWebIdentity(statement)) return [];
        return oidcIssuers(statement)
          .filter((issuer) => !exempt.has(issuer.toLowerCase()))
          .flatMap((issuer) =>
            pinningProblems(statement, issuer).map(
              (problem) => `${statementLabel(index, statement)} lets ${issuer} tokens assume the role but ${problem}.`,
            ),
          );
      });
      for (const finding of findings ?? []) report(`assumeRolePolicy ${finding}`);
    }
  }),
};

export const IAM_RULES: readonly Rule[] = [noAdminPolicy, irsaTrustPinned];
