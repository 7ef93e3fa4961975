import { Signer } from "@aws-sdk/rds-signer";

/** RDS auth tokens live 15 minutes; a fresh one is signed well before that. */
export const RDS_TOKEN_REFRESH_MS = 10 * 60_000;

export interface RdsTokenSettings {
  hostname: string;
  port: number;
  username: string;
  region: string;
}

export type SignToken = () => Promise<string>;

/**
 * The password of a service's RDS IAM user: an auth token signed with the pod's
 * IRSA credentials (the AWS SDK's default chain), only ever used to open a
 * connection. One token is reused until RDS_TOKEN_REFRESH_MS after it was signed,
 * so a pool opening many connections signs once, and none gets a token near expiry.
 */
export class RdsAuthToken {
  private cached: { token: string; signedAtMs: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly sign: SignToken,
    private readonly now: () => number = Date.now,
  ) {}

  static forDatabase(settings: RdsTokenSettings): RdsAuthToken {
    const signer = new Signer(settings);
    return new RdsAuthToken(() => signer.getAuthToken());
  }

  async current(): Promise<string> {
    if (this.cached && this.now() - this.cached.signedAtMs < RDS_TOKEN_REFRESH_MS) return this.cached.token;
    this.pending ??= this.sign()
      .then((token) => {
        this.cached = { token, signedAtMs: this.now() };
        return token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
