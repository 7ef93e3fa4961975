import { type Server, createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/port-probe";
import { resetPlatformState } from "../../payment/test/support/test-platform";
import { uniqueTopic } from "../../test-support/test-env";
import type { GatewayService } from "../src/service";
import { authed, signUp } from "./support/gateway-client";
import { startTestGateway } from "./support/test-gateway";

describe("upstream failures reach the client in the error shape", () => {
  const env = {
    database: "gateway_test_upstream",
    topic: uniqueTopic("upstream"),
    deadLetterTopic: uniqueTopic("upstream-dlq"),
    redisDb: 6,
  };
  let silent: Server;
  let refusing: GatewayService;
  let hanging: GatewayService;

  beforeAll(async () => {
    await resetPlatformState(env);
    // Accepts connections and never answers: a stuck upstream.
    silent = createServer(() => undefined).listen(0, "127.0.0.1");
    await new Promise((resolve) => silent.once("listening", resolve));
    refusing = await startTestGateway(env, `http://127.0.0.1:${await freePort()}`);
    hanging = await startTestGateway(env, `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, { UPSTREAM_TIMEOUT_MS: "300" });
  });

  afterAll(async () => {
    await refusing?.shutdown();
    await hanging?.shutdown();
    silent?.close();
  });

  it("answers 502 when the upstream refuses connections", async () => {
    const { token } = await signUp(refusing.port, "a@upstream.test");
    const response = await authed(refusing.port, token, "/api/coupons");
    expect(response.status).toBe(502);
    expect(response.json()).toEqual({ error: { code: "bad_gateway", message: "the upstream service is unavailable" } });
  });

  it("answers 504 when the upstream does not answer in time", async () => {
    const { token } = await signUp(hanging.port, "b@upstream.test");
    const response = await authed(hanging.port, token, "/api/coupons");
    expect(response.status).toBe(504);
    expect(response.json()).toEqual({ error: { code: "gateway_timeout", message: "the upstream service did not answer in time" } });
  });
});
