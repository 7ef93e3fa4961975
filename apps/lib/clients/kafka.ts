import { generateAuthToken } from "aws-msk-iam-sasl-signer-js";
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from "kafkajs";
import type { KafkaEnv } from "../config/common-env";
import type { Logger } from "../logger";

/** Routes kafkajs' own logs into the service's JSON log stream. */
function pinoLogCreator(logger: Logger): KafkaConfig["logCreator"] {
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    const fields = { namespace: entry.namespace, ...rest };
    if (entry.level === logLevel.ERROR) logger.error(fields, message);
    else if (entry.level === logLevel.WARN) logger.warn(fields, message);
    else logger.debug(fields, message);
  };
}

/**
 * Plain TCP locally; on AWS, TLS with SASL OAUTHBEARER carrying an MSK IAM token
 * signed from the pod's role (IRSA / Pod Identity) by aws-msk-iam-sasl-signer-js.
 */
export function createKafka(env: KafkaEnv, logger: Logger, clientId: string = env.KAFKA_CLIENT_ID): Kafka {
  const base: KafkaConfig = {
    clientId,
    brokers: env.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: "kafkajs" })),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
  };
  if (env.KAFKA_AUTH === "msk-iam") {
    const region = env.AWS_REGION;
    if (!region) throw new Error("AWS_REGION is required when KAFKA_AUTH=msk-iam");
    return new Kafka({
      ...base,
      ssl: true,
      sasl: {
        mechanism: "oauthbearer",
        oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
      },
    });
  }
  return new Kafka({ ...base, ssl: env.KAFKA_TLS });
}
