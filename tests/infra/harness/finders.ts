import { expect } from "vitest";
import type { CapturedResource } from "../../../scripts/lib/mock-stack/aws-mocks";
import type { StackRun } from "../../../scripts/lib/mock-stack/run-stack";

/*
 * Finding resources by what they are and what refers to them — the key an ARN
 * names, the role a node group or an instance profile uses — never by logical-name
 * substrings or the mock's id formats, so a renamed resource cannot make a test
 * check nothing.
 */

const ROLE = "aws:iam/role:Role";

/** The KMS key with this ARN; fails when the stack declares none. */
export function kmsKeyByArn(run: StackRun, arn: string): CapturedResource {
  const key = run.ofType("aws:kms/key:Key").find((candidate) => candidate.outputs.arn === arn);
  expect(key, `no KMS key with ARN ${arn}`).toBeDefined();
  return key!;
}

/** The log group with this ARN (what a flow log's logDestination names); fails when the stack declares none. */
export function logGroupByArn(run: StackRun, arn: string): CapturedResource {
  const group = run.ofType("aws:cloudwatch/logGroup:LogGroup").find((candidate) => candidate.outputs.arn === arn);
  expect(group, `no log group with ARN ${arn}`).toBeDefined();
  return group!;
}

/**
 * The log group with this AWS name: what MSK's loggingInfo and ElastiCache's log delivery
 * name, and where EKS and RDS write by AWS's own convention. Fails when the stack declares none.
 */
export function logGroupNamed(run: StackRun, name: string): CapturedResource {
  const group = run.ofType("aws:cloudwatch/logGroup:LogGroup").find((candidate) => candidate.inputs.name === name);
  expect(group, `no log group named ${name}`).toBeDefined();
  return group!;
}

/** The resources (other than the key itself) whose inputs name this ARN anywhere. */
export function usersOf(run: StackRun, arn: string): CapturedResource[] {
  return run.resources.filter((resource) => resource.outputs.arn !== arn && JSON.stringify(resource.inputs).includes(arn));
}

/** A role by its name or ARN, as other resources refer to it. */
export function roleByReference(run: StackRun, nameOrArn: string): CapturedResource {
  const role = run.ofType(ROLE).find((candidate) => [candidate.outputs.name, candidate.outputs.arn, candidate.id].includes(nameOrArn));
  expect(role, `no IAM role ${nameOrArn}`).toBeDefined();
  return role!;
}

const refersTo = (role: CapturedResource) => (value: unknown) => [role.outputs.name, role.outputs.arn, role.id].includes(value);

/** The managed policy ARNs attached to a role. */
export function managedPoliciesOf(run: StackRun, role: CapturedResource): string[] {
  return run
    .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((attachment) => refersTo(role)(attachment.inputs.role))
    .map((attachment) => attachment.inputs.policyArn as string);
}

/** The inline policies of a role. */
export function inlinePoliciesOf(run: StackRun, role: CapturedResource): CapturedResource[] {
  return run.ofType("aws:iam/rolePolicy:RolePolicy").filter((policy) => refersTo(role)(policy.inputs.role));
}

/** Roles a service may assume: their trust policy names it as principal. */
export function rolesTrusting(run: StackRun, service: string): CapturedResource[] {
  return run
    .ofType(ROLE)
    .filter((role) =>
      JSON.stringify(JSON.parse(role.inputs.assumeRolePolicy).Statement.map((st: any) => st.Principal?.Service)).includes(service),
    );
}

/**
 * The role the managed node groups run as. Each node group holds a reference to the
 * role resource (under mocks, the serialized resource with its type and name); the
 * role is the one that reference names, and it must be one EC2 may assume.
 */
export function nodeRole(run: StackRun): CapturedResource {
  const references = run
    .ofType("eks:index:ManagedNodeGroup")
    .map((group) => group.inputs.nodeRole as { __pulumiType?: string; __name?: string });
  expect(references.length, "the stack declares managed node groups").toBeGreaterThan(0);
  expect(new Set(references.map((reference) => reference?.__pulumiType))).toEqual(new Set([ROLE]));
  const names = new Set(references.map((reference) => reference.__name));
  expect(names.size, "every node group uses one role").toBe(1);
  const role = run.ofType(ROLE).find((candidate) => candidate.name === [...names][0]);
  expect(role, "the node groups' role").toBeDefined();
  expect(rolesTrusting(run, "ec2.amazonaws.com")).toContain(role);
  return role!;
}

/**
 * The bastion's role: the one behind the stack's only instance profile (the nodes get
 * theirs from the node groups, not from a profile of ours). The instance's own
 * iamInstanceProfile input cannot be followed here: the mocks give an InstanceProfile
 * no `name` output, so that input resolves to undefined under mocks.
 */
export function bastionRole(run: StackRun): CapturedResource {
  const profiles = run.ofType("aws:iam/instanceProfile:InstanceProfile");
  expect(profiles).toHaveLength(1);
  const role = roleByReference(run, profiles[0]!.inputs.role);
  expect(rolesTrusting(run, "ec2.amazonaws.com")).toContain(role);
  return role;
}

/** A security group the kit declares, by the id other resources refer to it with. */
export function securityGroupById(run: StackRun, id: string): CapturedResource {
  const group = run.ofType("aws:ec2/securityGroup:SecurityGroup").find((candidate) => candidate.id === id);
  expect(group, `no security group ${id}`).toBeDefined();
  return group!;
}

/** The EKS-managed cluster security group, as the cluster reports it (the nodes carry it). */
export function clusterSecurityGroupId(run: StackRun): string {
  const [cluster] = run.ofType("eks:index:Cluster");
  const id = cluster?.outputs.eksCluster?.vpcConfig?.clusterSecurityGroupId as string | undefined;
  expect(id, "the cluster's security group").toBeDefined();
  return id!;
}

/**
 * The values of every generated secret in the stack: passwords (random.RandomPassword)
 * and, for private keys (tls.PrivateKey), the first line of the key's body, which
 * shows wherever the key does, JSON-escaped or not.
 */
export function generatedSecrets(run: StackRun): string[] {
  const passwords = run.ofType("random:index/randomPassword:RandomPassword").map((password) => password.outputs.result as string);
  const privateKeys = run
    .ofType("tls:index/privateKey:PrivateKey")
    .map((key) => (key.outputs.privateKeyPemPkcs8 as string).split("\n")[1] as string);
  return [...passwords, ...privateKeys];
}

/** The Secrets Manager secrets holding the gateway's internal identity signing keys. */
export function identityKeySecrets(run: StackRun): CapturedResource[] {
  return run
    .ofType("aws:secretsmanager/secret:Secret")
    .filter((secret) => String(secret.inputs.name).includes("/gateway/internal-identity/"));
}
