import { Signer } from "@aws-sdk/rds-signer";
import { createConnection } from "mysql2/promise";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RDS_TOKEN_REFRESH_MS, RdsAuthToken } from "../clients/rds-auth-token";
import { mysqlConnectionOptions } from "../clients/mysql";
import { mysqlEnv } from "../config/common-env";
import { startFakeRdsMysql, type FakeRdsLogin } from "./fake-rds-mysql";

describe("RDS IAM auth tokens", () => {
  it("are signed by the AWS SDK for the host, port and user, valid 15 minutes, with no secret in them", async () => {
    // Signing is local (SigV4 presigning): static credentials stand in for the pod's IRSA ones.
    const signer = new Signer({
      hostname: "coupon-prod-db.abc123xyz.eu-west-1.rds.amazonaws.com",
      port: 3306,
      username: "payment_svc",
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "not-a-real-secret-access-key-0000000000" },
    });
    const token = await new RdsAuthToken(() => signer.getAuthToken()).current();
    const url = new URL(`https://${token}`);
    expect(url.host).toBe("coupon-prod-db.abc123xyz.eu-west-1.rds.amazonaws.com:3306");
    expect(url.searchParams.get("Action")).toBe("connect");
    expect(url.searchParams.get("DBUser")).toBe("payment_svc");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^AKIAEXAMPLEEXAMPLE00\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    expect(token).not.toContain("not-a-real-secret-access-key");
  });

  it("reuse one token until the refresh age, then sign a new one, never two at once", async () => {
    let now = 1_000_000;
    let signed = 0;
    const tokens = new RdsAuthToken(
      async () => `token-${++signed}`,
      () => now,
    );
    expect(await Promise.all([tokens.current(), tokens.current(), tokens.current()])).toEqual(["token-1", "token-1", "token-1"]);
    now += RDS_TOKEN_REFRESH_MS - 1;
    expect(await tokens.current()).toBe("token-1");
    now += 1;
    expect(await tokens.current()).toBe("token-2");
    expect(RDS_TOKEN_REFRESH_MS).toBeLessThan(15 * 60_000);
  });

  it("retry after a failed signing instead of keeping the failure", async () => {
    let attempt = 0;
    const tokens = new RdsAuthToken(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error("no credentials yet");
      return "token-after-retry";
    });
    await expect(tokens.current()).rejects.toThrow("no credentials yet");
    expect(await tokens.current()).toBe("token-after-retry");
  });

  it("replace the password in the connection options: only the cleartext plugin, answered with a token", () => {
    const options = mysqlConnectionOptions(
      mysqlEnv.parse({
        MYSQL_AUTH: "rds-iam",
        MYSQL_USER: "coupon_svc",
        MYSQL_PASSWORD: "ignored",
        MYSQL_TLS: "true",
        AWS_REGION: "eu-west-1",
      }),
    );
    expect(options.password).toBeUndefined();
    expect(Object.keys(options.authPlugins ?? {})).toEqual(["mysql_clear_password"]);
    expect(options.ssl).toMatchObject({ rejectUnauthorized: true });
  });
});

describe("signing in to MySQL as an RDS IAM user, over the MySQL wire protocol", () => {
  // The pod's IRSA credentials, as the AWS SDK's default chain finds them; signing is local.
  const ACCESS_KEY = "AKIAEXAMPLEEXAMPLE00";
  const SECRET_KEY = "not-a-real-secret-access-key-0000000000";
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const rdsIamOptions = (port: number) => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    return mysqlConnectionOptions(
      mysqlEnv.parse({
        MYSQL_AUTH: "rds-iam",
        MYSQL_HOST: "127.0.0.1",
        MYSQL_PORT: String(port),
        MYSQL_USER: "payment_svc",
        MYSQL_PASSWORD: "a-password-that-must-not-travel",
        AWS_REGION: "eu-west-1",
      }),
    );
  };
  /** What RDS checks of a token, short of the signature: its host, port, user, action and key. */
  const isTokenFor = (port: number) => (login: FakeRdsLogin) => {
    const url = new URL(`https://${login.clearText}`);
    return (
      url.host === `127.0.0.1:${port}` &&
      url.searchParams.get("Action") === "connect" &&
      url.searchParams.get("DBUser") === login.user &&
      (url.searchParams.get("X-Amz-Credential") ?? "").startsWith(`${ACCESS_KEY}/`) &&
      url.searchParams.has("X-Amz-Signature")
    );
  };

  it("answers the server's switch to the cleartext plugin with a token for its host, port and user, and sends no password", async () => {
    let port = 0;
    const server = await startFakeRdsMysql((login) => isTokenFor(port)(login));
    port = server.port;
    try {
      const connection = await createConnection(rdsIamOptions(port));
      await connection.ping();
      await connection.end();
      expect(server.logins).toHaveLength(1);
      const [login] = server.logins;
      expect(login!.user).toBe("payment_svc");
      // The first reply carries nothing derived from a password; the token comes only after the switch.
      expect(login!.firstAuthResponse.length).toBe(0);
      expect(isTokenFor(port)(login!)).toBe(true);
      expect(login!.clearText).not.toContain("a-password-that-must-not-travel");
      expect(login!.clearText).not.toContain(SECRET_KEY);
    } finally {
      await server.close();
    }
  });

  it("fails to connect, with the server's access-denied error, when the server refuses the token", async () => {
    const server = await startFakeRdsMysql(() => false);
    try {
      await expect(createConnection(rdsIamOptions(server.port))).rejects.toThrow(/Access denied for user 'payment_svc'/);
      expect(server.logins).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
