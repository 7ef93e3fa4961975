import { describe, expect, it } from "vitest";
import { censorSecretFields, isSecretName, redactUrl } from "../redaction";

describe("redaction", () => {
  it("censors secret-named query values, encoded names included, and leaves the rest", () => {
    expect(redactUrl("/ws?access_token=abc.def&page=2")).toBe("/ws?access_token=[redacted]&page=2");
    expect(redactUrl("/ws?ticket=Zm9v")).toBe("/ws?ticket=[redacted]");
    expect(redactUrl("/x?api%5Fkey=k&password=p&q=shoes#top")).toBe("/x?api%5Fkey=[redacted]&password=[redacted]&q=shoes#top");
    expect(redactUrl("/api/coupons")).toBe("/api/coupons");
  });

  it("censors the credentials of a URL", () => {
    expect(redactUrl("rediss://:t0ken@cache.example:6379")).toBe("rediss://[redacted]@cache.example:6379");
    expect(redactUrl("mysql://admin:pw@db:3306/coupon?ssl=true")).toBe("mysql://[redacted]@db:3306/coupon?ssl=true");
  });

  it("knows a secret by its name", () => {
    for (const name of ["JWT_SECRET", "MYSQL_PASSWORD", "access_token", "JWT_PRIVATE_KEY", "Authorization", "set-cookie"])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ["MYSQL_HOST", "page", "KAFKA_BROKERS", "SERVICE_NAME", "WS_TICKET_TTL_SECONDS"])
      expect(isSecretName(name), name).toBe(false);
    expect(censorSecretFields({ access_token: "t", page: "1" })).toEqual({ access_token: "[redacted]", page: "1" });
  });
});
