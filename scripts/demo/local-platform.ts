import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { generateInternalIdentityKeys } from "../../apps/lib/internal-identity/local-keys";
import { REPO_ROOT, type ServiceProcess, startNodeProcess, startService, stopService, waitReady } from "./processes";
import { prepareServiceCredentials } from "./service-credentials";

export interface LocalPlatformOptions {
  database: string;
  redisDb: number;
  /** Names this run's topics, consumer group, keys and gateway ids. */
  runId: string;
  logDir: string;
  gatewayCount: number;
  couponEnv?: Record<string, string>;
  paymentEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** Extra node flags for coupon and the gateways (a benchmark's --cpu-prof). */
  nodeOptions?: readonly string[];
  /** Starts coupon from this entry point instead of its main.ts (a benchmark's several processes on one port). */
  couponEntry?: string;
}

export interface LocalPlatform {
  coupon: ServiceProcess;
  payment: ServiceProcess;
  gateways: ServiceProcess[];
  /** The run's internal identity key pair: the gateways sign with it, coupon trusts its public half. */
  identityKeys: ReturnType<typeof generateInternalIdentityKeys>;
  /** The secret the gateways sign and verify access tokens with (HS256). */
  jwtSecret: string;
  ordersTopic: string;
  /** Payment's consumer group on that topic. */
  paymentGroup: string;
  /** SIGTERM to each, gateways first (they call coupon), then payment, then coupon; their exit codes. */
  stop: () => Promise<string[]>;
}

/**
 * Coupon, payment and `gatewayCount` gateways as separate OS processes on this
 * machine, each signed in to MySQL and Redis as its own user, with keys and
 * topics made for this run: what `npm run demo` and `npm run bench:e2e` run against.
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const { runId, logDir } = options;
  const ordersTopic = `local.coupon.orders.${runId}`;
  const paymentGroup = `payment-settlement-${runId}`;
  const identityKeys = generateInternalIdentityKeys(`local-${runId}`);
  const credentials = await prepareServiceCredentials(options.database, options.redisDb);
  const shared = { MYSQL_DATABASE: options.database, KAFKA_BROKERS: "127.0.0.1:9092", SHUTDOWN_GRACE_MS: "5000" };
  const started: ServiceProcess[] = [];
  const stop = async () => {
    const exits: string[] = [];
    for (const service of [...started].reverse()) exits.push(`${service.name}=${String(await stopService(service))}`);
    return exits;
  };
  try {
    const coupon = await startNodeProcess(
      "coupon",
      options.couponEntry ?? path.join(REPO_ROOT, "apps", "coupon", "src", "main.ts"),
      {
        ...shared,
        ...credentials.coupon,
        ...identityKeys.serviceEnv,
        KAFKA_ORDERS_TOPIC: ordersTopic,
        KAFKA_TOPIC_PARTITIONS: "3",
        ...options.couponEnv,
      },
      logDir,
      options.nodeOptions,
    );
    started.push(coupon);
    await waitReady(coupon);
    const payment = await startService(
      "payment",
      "payment",
      {
        ...shared,
        ...credentials.payment,
        KAFKA_ORDERS_TOPIC: ordersTopic,
        KAFKA_DEAD_LETTER_TOPIC: `${ordersTopic}.dlq`,
        KAFKA_CONSUMER_GROUP: paymentGroup,
        KAFKA_TOPIC_PARTITIONS: "3",
        ...options.paymentEnv,
      },
      logDir,
    );
    started.push(payment);
    const jwtSecret = randomBytes(32).toString("base64url");
    const gateways: ServiceProcess[] = [];
    for (let i = 0; i < options.gatewayCount; i++) {
      const name = `gateway-${String.fromCharCode(97 + i)}`;
      const gateway = await startService(
        name,
        "gateway",
        {
          ...shared,
          ...credentials.gateway,
          ...identityKeys.gatewayEnv,
          COUPON_URL: `http://127.0.0.1:${coupon.port}`,
          JWT_SECRET: jwtSecret,
          GATEWAY_ID: `gw-${String.fromCharCode(97 + i)}-${runId}`,
          ...options.gatewayEnv,
        },
        logDir,
        options.nodeOptions,
      );
      gateways.push(gateway);
      started.push(gateway);
    }
    await Promise.all([payment, ...gateways].map((s) => waitReady(s)));
    return { coupon, payment, gateways, identityKeys, jwtSecret, ordersTopic, paymentGroup, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
