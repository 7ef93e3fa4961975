import { createPublicKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { createRotatingKey } from "./kms-key";
import { createStoredSecret } from "./stored-secret";

export interface InternalIdentityKeysArgs {
  readonly namePrefix: string;
  /** Names of the key pairs to keep: the services trust every one of them. */
  readonly keyNames: readonly string[];
  /** The one the gateway signs with; one of keyNames. */
  readonly signingKeyName: string;
  readonly keyDeletionWindowDays: number;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/**
 * The gateway's ES256 key pairs for the identity it signs on every request it
 * forwards (docs/SECURITY.md). Pulumi generates them (nothing in the repository),
 * keeps each private key in Secrets Manager under a KMS key of its own, hands the
 * signing key to the gateway and the public key set, every listed key in it, to
 * the services. Listing two names is the rotation's overlap.
 */
export class InternalIdentityKeys extends pulumi.ComponentResource {
  /** PKCS#8 PEM of the signing key (secret). */
  readonly signingKeyPem: pulumi.Output<string>;
  readonly signingKeyId: string;
  /** The public keys as a JSON Web Key Set, each under its name as kid. */
  readonly jwks: pulumi.Output<string>;
  readonly secretArns: pulumi.Output<string>[];

  constructor(name: string, args: InternalIdentityKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coupon-platform:security:InternalIdentityKeys", name, {}, opts);
    const parent = { parent: this };
    const kmsKey = createRotatingKey(
      `${name}-kms`,
      {
        alias: `${args.namePrefix}-internal-identity`,
        description: `${args.namePrefix}: encrypts the gateway's internal identity signing keys`,
        deletionWindowDays: args.keyDeletionWindowDays,
        tags: args.tags,
      },
      { ...parent, protect: args.protect },
    );
    const pairs = args.keyNames.map((keyName) => {
      const pair = new tls.PrivateKey(`${name}-${keyName}`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
      const secret = createStoredSecret(
        `${name}-${keyName}-secret`,
        {
          secretName: `${args.namePrefix}/gateway/internal-identity/${keyName}`,
          description: `${args.namePrefix}: the gateway's internal identity signing key ${keyName} (ES256, PKCS#8 PEM)`,
          kmsKeyArn: kmsKey.arn,
          recoveryWindowDays: args.keyDeletionWindowDays,
          value: pulumi.jsonStringify({ kid: keyName, algorithm: "ES256", privateKeyPem: pair.privateKeyPemPkcs8 }),
          tags: args.tags,
        },
        parent,
      );
      return { keyName, pair, secret };
    });
    const signing = pairs.find((entry) => entry.keyName === args.signingKeyName);
    if (!signing) throw new Error(`signing key ${args.signingKeyName} is not among ${args.keyNames.join(", ")}`);

    this.signingKeyId = args.signingKeyName;
    this.signingKeyPem = pulumi.secret(signing.pair.privateKeyPemPkcs8);
    this.jwks = pulumi.all(pairs.map(({ pair }) => pair.publicKeyPem)).apply((pems) =>
      JSON.stringify({
        keys: pems.map((pem, i) => ({ ...createPublicKey(pem).export({ format: "jwk" }), kid: pairs[i]?.keyName })),
      }),
    );
    this.secretArns = pairs.map(({ secret }) => secret.arn);
    this.registerOutputs({ jwks: this.jwks });
  }
}
