import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BrokerInstance, instanceFiles, libsDir } from "./kafka-layout";

/** A single combined broker+controller (KRaft), sized for a 2-core machine. */
function serverProperties(instance: BrokerInstance, dataDir: string): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${instance.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${instance.port},CONTROLLER://127.0.0.1:${instance.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${instance.port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${dataDir}`,
    // Topics are created by the services that own them, with the partitions they ask for.
    "auto.create.topics.enable=false",
    "num.partitions=1",
    "num.network.threads=2",
    "num.io.threads=2",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=5",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "",
  ].join("\n");
}

const LOG4J = [
  "log4j.rootLogger=WARN, stdout",
  "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
  "log4j.logger.kafka.server.KafkaRaftServer=INFO",
  "log4j.logger.kafka.server.BrokerServer=INFO",
  "",
].join("\n");

export const classpath = () => join(libsDir(), "*");

/** Kafka's own id format: 16 random bytes, URL-safe base64 without padding. */
const newClusterId = () => randomBytes(16).toString("base64url");

/** Writes the broker's config and formats its storage once; a formatted instance is left as it is. */
export function prepareInstance(instance: BrokerInstance, log: (line: string) => void): void {
  const files = instanceFiles(instance);
  mkdirSync(files.data, { recursive: true });
  writeFileSync(files.serverProperties, serverProperties(instance, files.data));
  writeFileSync(files.log4jProperties, LOG4J);
  if (existsSync(join(files.data, "meta.properties"))) return;
  log(`formatting KRaft storage in ${files.data}`);
  const result = spawnSync(
    "java",
    [
      `-Dlog4j.configuration=file:${files.log4jProperties}`,
      "-cp",
      classpath(),
      "kafka.tools.StorageTool",
      "format",
      "--ignore-formatted",
      "-t",
      newClusterId(),
      "-c",
      files.serverProperties,
    ],
    { encoding: "utf8" },
  );
  if (result.error) throw new Error(`could not run java (${result.error.message}); Java 17 is required`);
  if (result.status !== 0) throw new Error(`kafka storage format failed:\n${result.stdout}${result.stderr}`);
}
