import type * as pulumi from "@pulumi/pulumi";
import type { paymentEnvSchema } from "../../apps/payment/src/config";
import type { ServiceConnections } from "../data/connections";
import type { Kafka } from "../data/kafka";
import type { PaymentSettings } from "./app-settings";
import { AppService, type PlatformContext } from "./app-service";
import type { EgressTargets } from "./network-policy";
import { envFor, type AppEnv } from "./env/app-env";
import { kafkaSettings, mysqlSettings, ordersTopicSettings, redisCredentials, serverSettings } from "./env/data-tier-env";

/** payment's environment: it consumes orders in its group and writes dead letters. */
export function paymentEnv(connections: ServiceConnections): AppEnv<typeof paymentEnvSchema> {
  const { kafka } = connections;
  return envFor<typeof paymentEnvSchema>()({
    config: {
      ...serverSettings("payment"),
      ...mysqlSettings(connections, "payment", { readReplica: false }),
      ...kafkaSettings(connections),
      ...ordersTopicSettings(kafka.ordersTopic),
      KAFKA_DEAD_LETTER_TOPIC: kafka.deadLetterTopic.name,
      KAFKA_CONSUMER_GROUP: kafka.settlementGroup,
    },
    secrets: { ...redisCredentials(connections, "payment") },
  });
}

export interface PaymentArgs {
  readonly platform: PlatformContext;
  readonly image: pulumi.Input<string>;
  readonly settings: PaymentSettings;
  readonly connections: ServiceConnections;
  readonly kafka: Kafka;
  /** Where its pods may connect: the data tier and the AWS APIs (STS for IRSA). */
  readonly egress: EgressTargets;
  /** The IAM policy that lets it sign in to MySQL as its own user (RDS IAM auth). */
  readonly databaseAccessPolicy: pulumi.Input<string>;
  /** The release's migration Job. */
  readonly startAfter: pulumi.Resource[];
}

/** payment: replica canary, scaled by KEDA on its consumer group's lag. */
export function deployPayment(args: PaymentArgs): AppService {
  const { settings } = args;
  const { kafka } = args.connections;
  return new AppService("payment", {
    platform: args.platform,
    app: "payment",
    image: args.image,
    env: paymentEnv(args.connections),
    iamPolicies: { kafka: args.kafka.consumerPolicyJson, database: args.databaseAccessPolicy },
    startAfter: args.startAfter,
    resources: settings.resources,
    scaling: {
      kind: "kafkaLag",
      minReplicas: settings.minReplicas,
      maxReplicas: settings.maxReplicas,
      lagPerReplica: settings.lagPerReplica,
      mskClusterName: kafka.clusterName,
      consumerGroup: kafka.settlementGroup,
      topic: kafka.ordersTopic.name,
      region: kafka.region,
    },
    strategy: { kind: "replicaCanary", steps: settings.canarySteps, analysis: "settlements" },
    // A consumer: nothing calls it but Prometheus.
    ingressFrom: { kind: "none" },
    egressTo: args.egress,
  });
}
