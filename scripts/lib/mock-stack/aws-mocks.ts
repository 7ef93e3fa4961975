import { createECDH, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

/** A resource as the program declared it: its type token, name and resolved inputs. */
export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly inputs: Record<string, any>;
  /** The inputs with every value the program marked secret replaced by "[secret]": what a plan may show. */
  readonly redactedInputs: Record<string, any>;
  /** What the mock answered as the resource's state: the outputs the engine would record. */
  readonly outputs: Record<string, any>;
}

/** Pulumi's wire marker for a secret value: { [SECRET_SIGNATURE]: SECRET_SIG_VALUE, value }. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Inputs as the provider would receive them: secret markers unwrapped to their values. */
function revealSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value !== "object" || value === null) return value;
  if (value[SECRET_SIGNATURE] === SECRET_SIG_VALUE) return revealSecrets(value.value);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revealSecrets(inner)]));
}

/** Inputs as a reviewer may see them: secret markers replaced by a placeholder. */
function redactSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== "object" || value === null) return value;
  if (value[SECRET_SIGNATURE] === SECRET_SIG_VALUE) return "[secret]";
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactSecrets(inner)]));
}

/** A password-shaped value unique to a resource, so a test can look for it where it must not be. */
export function mockSecret(name: string, length: number): string {
  return `S3cret-${name}-`.padEnd(length, "x").slice(0, length);
}

/**
 * An ECDSA P-256 key pair derived from the resource's name: real enough for the
 * program to turn into a JWKS, and the same on every run so plan snapshots stay stable.
 */
function mockEcKeyPair(name: string): { privateKeyPemPkcs8: string; publicKeyPem: string } {
  const d = createHash("sha256").update(`mock-ec-key:${name}`).digest();
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  const jwk = {
    kty: "EC",
    crv: "P-256",
    d: d.toString("base64url"),
    x: point.subarray(1, 33).toString("base64url"),
    y: point.subarray(33).toString("base64url"),
  };
  const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  return {
    privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString(),
  };
}

interface Zone {
  readonly name: string;
  readonly zoneId: string;
  readonly optIn: "opt-in-not-required" | "opted-in";
}

/**
 * Answers the AWS provider's invokes and resource registrations the way AWS
 * would, closely enough for the program to run: ids and ARNs shaped like real
 * ones, a region with three standard zones and one Local Zone (which the
 * program must filter out), and the outputs the @pulumi/eks remote components
 * expose (under mocks a remote component is one resource with no children).
 * An invoke it does not know fails the run, so a new data source cannot slip in
 * unexamined.
 */
export class AwsMocks implements pulumi.runtime.Mocks {
  readonly resources: CapturedResource[] = [];

  constructor(private readonly region: string) {}

  private get zones(): Zone[] {
    return [
      { name: `${this.region}a`, zoneId: "use1-az1", optIn: "opt-in-not-required" },
      { name: `${this.region}b`, zoneId: "use1-az2", optIn: "opt-in-not-required" },
      { name: `${this.region}c`, zoneId: "use1-az3", optIn: "opt-in-not-required" },
      { name: `${this.region}-lz-1a`, zoneId: "use1-lz1-az1", optIn: "opted-in" },
    ];
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
    const id = `${args.name}-id`;
    const arn = `arn:aws:${args.type.split(":")[1]?.split("/")[0] ?? "mock"}:${this.region}:${MOCK_ACCOUNT_ID}:${args.name}`;
    const state: Record<string, any> = { ...args.inputs, arn, ...this.extraState(args, id) };
    this.resources.push({
      type: args.type,
      name: args.name,
      id,
      inputs: revealSecrets(args.inputs),
      redactedInputs: redactSecrets(args.inputs),
      outputs: { ...revealSecrets(state), id },
    });
    return { id, state };
  }

  private extraState(args: pulumi.runtime.MockResourceArgs, id: string): Record<string, any> {
    switch (args.type) {
      case "aws:kms/key:Key":
        return { keyId: `${id}-key`, arn: `arn:aws:kms:${this.region}:${MOCK_ACCOUNT_ID}:key/${id}` };
      case "aws:ec2/launchTemplate:LaunchTemplate":
        return { latestVersion: 1 };
      case "aws:iam/role:Role":
        return { name: args.inputs.name ?? `${args.name}-1234567`, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${args.name}` };
      case "tls:index/privateKey:PrivateKey":
        return mockEcKeyPair(args.name);
      case "random:index/randomPassword:RandomPassword":
        return { result: mockSecret(args.name, Number(args.inputs.length ?? 32)) };
      case "aws:msk/configuration:Configuration":
        return { latestRevision: 1, arn: `arn:aws:kafka:${this.region}:${MOCK_ACCOUNT_ID}:configuration/${args.inputs.name}/mock-uuid` };
      case "aws:msk/cluster:Cluster": {
        const clusterName = args.inputs.clusterName;
        const brokers = Array.from(
          { length: Number(args.inputs.numberOfBrokerNodes) },
          (_, i) => `b-${i + 1}.${clusterName}.abc123.c2.kafka.${this.region}.amazonaws.com:9098`,
        );
        return {
          arn: `arn:aws:kafka:${this.region}:${MOCK_ACCOUNT_ID}:cluster/${clusterName}/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2`,
          bootstrapBrokersSaslIam: brokers.join(","),
          clusterUuid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2",
        };
      }
      case "aws:elasticache/replicationGroup:ReplicationGroup": {
        const groupId = args.inputs.replicationGroupId;
        return {
          primaryEndpointAddress: `master.${groupId}.abc123.euw1.cache.amazonaws.com`,
          readerEndpointAddress: `replica.${groupId}.abc123.euw1.cache.amazonaws.com`,
        };
      }
      case "aws:rds/instance:Instance": {
        const identifier = args.inputs.identifier;
        const zone = args.inputs.availabilityZone ?? `${this.region}a`;
        return {
          identifier,
          resourceId: `db-${createHash("sha256").update(identifier).digest("hex").slice(0, 26).toUpperCase()}`,
          address: `${identifier}.abc123xyz.${this.region}.rds.amazonaws.com`,
          availabilityZone: zone,
          endpoint: `${identifier}.abc123xyz.${this.region}.rds.amazonaws.com:3306`,
        };
      }
      case "aws:ecr/repository:Repository":
        return { repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${this.region}.amazonaws.com/${args.inputs.name}` };
      case "kubernetes:networking.k8s.io/v1:Ingress": {
        const scheme = args.inputs.metadata?.annotations?.["alb.ingress.kubernetes.io/scheme"] === "internal" ? "internal-" : "";
        const hostname = `${scheme}k8s-${args.inputs.metadata?.name}-1234567890.${this.region}.elb.amazonaws.com`;
        return { status: { loadBalancer: { ingress: [{ hostname }] } } };
      }
      case "eks:index:Cluster": {
        const name = args.inputs.name ?? args.name;
        const endpoint = `https://${name}.gr7.${this.region}.eks.amazonaws.com`;
        const kubeconfig = {
          apiVersion: "v1",
          kind: "Config",
          clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": "bW9jaw==" } }],
          users: [
            {
              name: "aws",
              user: {
                exec: {
                  apiVersion: "client.authentication.k8s.io/v1beta1",
                  command: "aws",
                  args: ["eks", "get-token", "--cluster-name", name],
                },
              },
            },
          ],
          contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
          "current-context": "aws",
        };
        return {
          kubeconfig,
          kubeconfigJson: JSON.stringify(kubeconfig),
          eksCluster: {
            name,
            endpoint,
            // @pulumi/eks names the cluster role after the component, with a random suffix.
            roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${args.name}-eksRole-role-1a2b3c4`,
            vpcConfig: { clusterSecurityGroupId: "sg-0eksmanagedcluster" },
          },
          clusterSecurityGroupId: "sg-0eksmanagedcluster",
          oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/oidc.eks.${this.region}.amazonaws.com/id/MOCK`,
          oidcProviderUrl: `https://oidc.eks.${this.region}.amazonaws.com/id/MOCK`,
          oidcIssuer: `oidc.eks.${this.region}.amazonaws.com/id/MOCK`,
        };
      }
      default:
        return {};
    }
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const inputs = args.inputs as Record<string, any>;
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/ci`, userId: "AIDAMOCK", id: MOCK_ACCOUNT_ID };
      case "aws:index/getRegion:getRegion":
        return {
          region: this.region,
          name: this.region,
          id: this.region,
          endpoint: `ec2.${this.region}.amazonaws.com`,
          description: "mock",
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        const optInFilter: string[] | undefined = (inputs.filters ?? []).find((f: any) => f.name === "opt-in-status")?.values;
        const zones = this.zones.filter((zone) => !optInFilter || optInFilter.includes(zone.optIn));
        return { names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), id: this.region, groupNames: [] };
      }
      case "aws:ssm/getParameter:getParameter": {
        const arch = String(inputs.name).endsWith("arm64") ? "arm64" : "x86_64";
        const ami = arch === "arm64" ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788";
        return {
          name: inputs.name,
          type: "String",
          value: ami,
          insecureValue: ami,
          version: 42,
          arn: `arn:aws:ssm:${this.region}::parameter${inputs.name}`,
          id: inputs.name,
        };
      }
      default:
        throw new Error(`the mocks do not answer invoke ${args.token}: add a realistic answer to scripts/lib/mock-stack/aws-mocks.ts`);
    }
  }
}
