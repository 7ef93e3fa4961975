import { describe, expect, it } from "vitest";
import { IAM_RULES } from "../../policies/rules/iam";
import { checkResource, unknown, type ResourceUnderTest } from "../../policies/testing/harness";
import { ruleNamed } from "./rule-lookup";

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);
const document = (...Statement: unknown[]) => ({ Version: "2012-10-17", Statement });
const json = (...Statement: unknown[]) => JSON.stringify(document(...Statement));

describe("the IAM rules", () => {
  it("are the security baseline: mandatory in every profile, named for their service", () => {
    for (const rule of IAM_RULES) {
      expect(rule.service).toBe("iam");
      expect(rule.name).toMatch(/^iam-[a-z0-9-]+$/);
      expect(rule.levels).toEqual({ prod: "mandatory", dev: "mandatory" });
    }
  });
});

describe("iam-no-admin-policy", () => {
  const rule = ruleNamed(IAM_RULES, "iam-no-admin-policy");
  const ADMIN = { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" };
  const SCOPED = {
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: ["arn:aws:logs:eu-west-1:123456789012:log-group:/x:*"],
  };
  const rolePolicy = (policy: unknown): ResourceUnderTest => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "access",
    props: { role: "role-1", policy },
  });

  it('reports Action "*" on Resource "*" in a JSON role policy, naming the statement', async () => {
    const violations = await checkResource(rule, rolePolicy(json(SCOPED, ADMIN)));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('Statement[1] (Sid "Everything") allows Action "*" on Resource "*": administrator access.');
    expect(violations[0]?.message).toContain("Fix: grant only the actions and resources the workload needs");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("reads lists, object documents, a single statement object, and every policy resource type", async () => {
    const listed = { Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: ["arn:aws:s3:::b/*", "*"] };
    for (const type of [
      "aws:iam/policy:Policy",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/userPolicy:UserPolicy",
      "aws:iam/groupPolicy:GroupPolicy",
    ]) {
      expect(messages(await checkResource(rule, { type, props: { policy: json(listed) } }))).toEqual([
        expect.stringContaining('Statement[0] allows Action "*" on Resource "*"'),
      ]);
    }
    expect(await checkResource(rule, rolePolicy(document(ADMIN)))).toHaveLength(1);
    expect(await checkResource(rule, rolePolicy(JSON.stringify({ Version: "2012-10-17", Statement: ADMIN })))).toHaveLength(1);
    expect(messages(await checkResource(rule, rolePolicy(json({ Effect: "Allow", Action: "*:*", Resource: "*" }))))).toEqual([
      expect.stringContaining('allows Action "*:*"'),
    ]);
  });

  it("reports allow-all through NotAction or NotResource", async () => {
    expect(
      messages(await checkResource(rule, rolePolicy(json({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" })))),
    ).toEqual([
      expect.stringContaining(
        'Statement[0] allows every action but NotAction ["iam:*","organizations:*"] on Resource "*": administrator access.',
      ),
    ]);
    expect(
      messages(await checkResource(rule, rolePolicy(json({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::audit/*" })))),
    ).toEqual([expect.stringContaining('allows Action "*" on every resource but NotResource ["arn:aws:s3:::audit/*"]')]);
  });

  it("reports a role's inline policy, naming it", async () => {
    const role: ResourceUnderTest = {
      type: "aws:iam/role:Role",
      name: "role",
      props: {
        assumeRolePolicy: json(),
        inlinePolicies: [
          { name: "ok", policy: json(SCOPED) },
          { name: "admin", policy: json(ADMIN) },
        ],
      },
    };
    expect(messages(await checkResource(rule, role))).toEqual([
      expect.stringContaining('inlinePolicies[1] ("admin") Statement[0] (Sid "Everything") allows Action "*" on Resource "*"'),
    ]);
  });

  it("reports attaching the AWS-managed AdministratorAccess policy, however it is attached", async () => {
    const attach = (type: string, props: Record<string, unknown>): ResourceUnderTest => ({ type, name: "attach", props });
    expect(
      messages(
        await checkResource(
          rule,
          attach("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
            role: "r",
            policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
          }),
        ),
      ),
    ).toEqual([
      expect.stringContaining("This attachment attaches arn:aws:iam::aws:policy/AdministratorAccess (policyArn): administrator access."),
    ]);
    expect(
      await checkResource(
        rule,
        attach("aws:iam/userPolicyAttachment:UserPolicyAttachment", {
          user: "u",
          policyArn: "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
        }),
      ),
    ).toHaveLength(1);
    for (const nearlyAdmin of ["PowerUserAccess", "IAMFullAccess"]) {
      expect(
        await checkResource(
          rule,
          attach("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: `arn:aws:iam::aws:policy/${nearlyAdmin}` }),
        ),
      ).toHaveLength(1);
    }
    expect(
      await checkResource(
        rule,
        attach("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
      ),
    ).toEqual([]);
    expect(
      await checkResource(
        rule,
        attach("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", {
          group: "g",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ),
    ).toHaveLength(1);
    expect(
      await checkResource(
        rule,
        attach("aws:iam/policyAttachment:PolicyAttachment", { roles: ["r"], policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
      ),
    ).toHaveLength(1);
    expect(
      messages(
        await checkResource(
          rule,
          attach("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", {
            roleName: "r",
            policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
          }),
        ),
      ),
    ).toEqual([expect.stringContaining("policyArns[1] attaches arn:aws:iam::aws:policy/AdministratorAccess")]);
    expect(
      messages(
        await checkResource(rule, {
          type: "aws:iam/role:Role",
          props: { assumeRolePolicy: json(), managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
        }),
      ),
    ).toEqual([expect.stringContaining("managedPolicyArns[0] attaches arn:aws:iam::aws:policy/AdministratorAccess")]);
  });

  it("passes scoped statements, Deny-all, wildcards short of everything, and the kit's managed policies", async () => {
    expect(await checkResource(rule, rolePolicy(json(SCOPED)))).toEqual([]);
    expect(await checkResource(rule, rolePolicy(json({ Effect: "Deny", Action: "*", Resource: "*" })))).toEqual([]);
    expect(await checkResource(rule, rolePolicy(json({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::bucket/*" })))).toEqual([]);
    expect(await checkResource(rule, rolePolicy(json({ Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" })))).toEqual(
      [],
    );
    expect(await checkResource(rule, rolePolicy(json({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::bucket/*" })))).toEqual(
      [],
    );
    expect(await checkResource(rule, rolePolicy("not json"))).toEqual([]);
    const attachment = {
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" },
    };
    expect(await checkResource(rule, attachment)).toEqual([]);
    expect(
      await checkResource(rule, {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        props: { role: "r", policyArn: "arn:aws:iam::123456789012:policy/AdministratorAccess" },
      }),
    ).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges the known statements", async () => {
    expect(await checkResource(rule, rolePolicy(unknown.string))).toEqual([]);
    expect(await checkResource(rule, rolePolicy({ Version: "2012-10-17", Statement: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, rolePolicy(document(unknown.object)))).toEqual([]);
    expect(await checkResource(rule, rolePolicy(document({ Effect: "Allow", Action: "*", Resource: unknown.string })))).toEqual([]);
    expect(await checkResource(rule, rolePolicy(document({ Effect: unknown.string, Action: "*", Resource: "*" })))).toEqual([]);
    expect(
      await checkResource(rule, {
        type: "aws:iam/role:Role",
        props: { assumeRolePolicy: json(), inlinePolicies: unknown.array, managedPolicyArns: unknown.array },
      }),
    ).toEqual([]);
    expect(
      await checkResource(rule, {
        type: "aws:iam/role:Role",
        props: {
          assumeRolePolicy: json(),
          inlinePolicies: [unknown.object, { name: unknown.string, policy: unknown.string }],
          managedPolicyArns: [unknown.string],
        },
      }),
    ).toEqual([]);
    expect(
      await checkResource(rule, {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        props: { role: "r", policyArn: unknown.string },
      }),
    ).toEqual([]);
    expect(messages(await checkResource(rule, rolePolicy(document(unknown.object, ADMIN))))).toEqual([
      expect.stringContaining('Statement[1] (Sid "Everything")'),
    ]);
  });
});

describe("iam-irsa-trust-pinned", () => {
  const rule = ruleNamed(IAM_RULES, "iam-irsa-trust-pinned");
  const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
  const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
  const irsa = (condition: unknown, extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Principal: { Federated: PROVIDER },
    Action: "sts:AssumeRoleWithWebIdentity",
    ...(condition === undefined ? {} : { Condition: condition }),
    ...extra,
  });
  const PINNED = {
    StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com", [`${ISSUER}:sub`]: "system:serviceaccount:coupon-platform:coupon" },
  };
  const role = (assumeRolePolicy: unknown): ResourceUnderTest => ({
    type: "aws:iam/role:Role",
    name: "coupon-role",
    props: { assumeRolePolicy },
  });

  it("reports a trust policy with no subject pinned, naming the statement and the key", async () => {
    const violations = await checkResource(rule, role(json(irsa({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } }))));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      `assumeRolePolicy Statement[0] lets ${ISSUER} tokens assume the role but has no StringEquals condition on ${ISSUER}:sub, so any service account of the cluster can assume the role.`,
    );
    expect(violations[0]?.message).toContain("Fix: create IRSA roles with createIrsaRole in infra/cluster/irsa-role.ts");
    expect(violations[0]?.level).toBe("mandatory");
  });

  it("reports StringLike and wildcard subjects, several subjects, and subjects that are not a service account", async () => {
    const like = await checkResource(
      rule,
      role(
        json(
          irsa({
            StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
            StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:coupon-platform:*" },
          }),
        ),
      ),
    );
    expect(messages(like)).toEqual([
      expect.stringContaining(`matches ${ISSUER}:sub with StringLike instead of StringEquals`),
      expect.stringContaining(`has no StringEquals condition on ${ISSUER}:sub`),
    ]);
    const wildcard = await checkResource(
      rule,
      role(json(irsa({ StringEquals: { ...PINNED.StringEquals, [`${ISSUER}:sub`]: "system:serviceaccount:coupon-platform:*" } }))),
    );
    expect(messages(wildcard)).toEqual([
      expect.stringContaining(`pins ${ISSUER}:sub to "system:serviceaccount:coupon-platform:*", which is not one service account`),
    ]);
    const two = await checkResource(
      rule,
      role(
        json(
          irsa({ StringEquals: { ...PINNED.StringEquals, [`${ISSUER}:sub`]: ["system:serviceaccount:a:x", "system:serviceaccount:b:y"] } }),
        ),
      ),
    );
    expect(messages(two)).toEqual([expect.stringContaining(`admits 2 subjects in StringEquals ${ISSUER}:sub`)]);
    const group = await checkResource(
      rule,
      role(json(irsa({ StringEquals: { ...PINNED.StringEquals, [`${ISSUER}:sub`]: "system:serviceaccounts:coupon-platform" } }))),
    );
    expect(messages(group)).toEqual([expect.stringContaining("which is not one service account")]);
  });

  it("reports a missing or wrong audience", async () => {
    expect(
      messages(
        await checkResource(
          rule,
          role(json(irsa({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:coupon-platform:coupon" } }))),
        ),
      ),
    ).toEqual([expect.stringContaining(`has no StringEquals condition on ${ISSUER}:aud`)]);
    expect(
      messages(
        await checkResource(
          rule,
          role(json(irsa({ StringEquals: { ...PINNED.StringEquals, [`${ISSUER}:aud`]: ["sts.amazonaws.com", "other"] } }))),
        ),
      ),
    ).toEqual([
      expect.stringContaining(
        `allows audience ["sts.amazonaws.com","other"] in StringEquals ${ISSUER}:aud; it must be "sts.amazonaws.com" alone`,
      ),
    ]);
  });

  it("reports no condition at all, action wildcards that include web identity, and each provider of a statement", async () => {
    expect(await checkResource(rule, role(json(irsa(undefined))))).toHaveLength(2);
    expect(await checkResource(rule, role(json(irsa(undefined, { Action: ["sts:AssumeRole*"] }))))).toHaveLength(2);
    expect(await checkResource(rule, role(json(irsa(undefined, { Action: "sts:*" }))))).toHaveLength(2);
    expect(await checkResource(rule, role(json(irsa(undefined, { Action: undefined, NotAction: "sts:AssumeRole" }))))).toHaveLength(2);
    const other = "oidc.eks.eu-west-1.amazonaws.com/id/OTHER";
    const twoProviders = irsa(PINNED, { Principal: { Federated: [PROVIDER, `arn:aws:iam::123456789012:oidc-provider/${other}`] } });
    expect(messages(await checkResource(rule, role(json(twoProviders))))).toEqual([
      expect.stringContaining(`lets ${other} tokens assume the role but has no StringEquals condition on ${other}:sub`),
      expect.stringContaining(`lets ${other} tokens assume the role but has no StringEquals condition on ${other}:aud`),
    ]);
  });

  it("passes the kit's IRSA trust policy, as a JSON string or an object, and with condition keys in another case", async () => {
    expect(await checkResource(rule, role(json(irsa(PINNED))))).toEqual([]);
    expect(await checkResource(rule, role(document(irsa(PINNED))))).toEqual([]);
    const upper = {
      StringEquals: {
        [`${ISSUER.toUpperCase()}:AUD`]: "sts.amazonaws.com",
        [`${ISSUER}:Sub`]: ["system:serviceaccount:kube-system:aws-load-balancer-controller"],
      },
    };
    expect(await checkResource(rule, role(json(irsa(upper))))).toEqual([]);
  });

  it("passes service trust, Deny statements, other federation, and issuers listed as not Kubernetes", async () => {
    expect(
      await checkResource(rule, role(json({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }))),
    ).toEqual([]);
    expect(await checkResource(rule, role(json(irsa(undefined, { Effect: "Deny" }))))).toEqual([]);
    expect(await checkResource(rule, role(json(irsa(undefined, { Action: "sts:AssumeRole" }))))).toEqual([]);
    expect(await checkResource(rule, role(json(irsa(undefined, { Principal: { Federated: "cognito-identity.amazonaws.com" } }))))).toEqual(
      [],
    );
    const github = irsa(
      { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/coupon:ref:refs/heads/main" } },
      { Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" } },
    );
    expect(await checkResource(rule, role(json(github)))).toHaveLength(2);
    expect(
      await checkResource(rule, role(json(github)), { [rule.name]: { nonKubernetesIssuers: ["token.actions.githubusercontent.com"] } }),
    ).toEqual([]);
    expect(rule.configSchema?.properties.nonKubernetesIssuers?.default).toEqual([]);
  });

  it("ignores other resource types", async () => {
    expect(
      await checkResource(rule, { type: "aws:iam/rolePolicy:RolePolicy", props: { role: "r", policy: json(irsa(undefined)) } }),
    ).toEqual([]);
  });

  it("neither crashes nor reports what is unknown during preview, and still judges the known statements", async () => {
    expect(await checkResource(rule, role(unknown.string))).toEqual([]);
    expect(await checkResource(rule, role({ Version: "2012-10-17", Statement: unknown.array }))).toEqual([]);
    expect(await checkResource(rule, role(document(unknown.object)))).toEqual([]);
    expect(await checkResource(rule, role(document(irsa(unknown.object))))).toEqual([]);
    expect(await checkResource(rule, role(document(irsa({ StringEquals: unknown.object }))))).toEqual([]);
    expect(
      await checkResource(
        rule,
        role(document(irsa({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com", [`${ISSUER}:sub`]: unknown.string } }))),
      ),
    ).toEqual([]);
    expect(await checkResource(rule, role(document(irsa(undefined, { Principal: { Federated: unknown.string } }))))).toEqual([]);
    expect(await checkResource(rule, role(document(irsa(undefined, { Action: unknown.array }))))).toEqual([]);
    expect(
      messages(
        await checkResource(rule, role(document(unknown.object, irsa({ StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } })))),
      ),
    ).toEqual([
      expect.stringContaining(`Statement[1] lets ${ISSUER} tokens assume the role but has no StringEquals condition on ${ISSUER}:sub`),
    ]);
  });
});
