import { homedir } from "node:os";
import { join } from "node:path";

/** The Kafka release the project runs locally. 3.9 is the last line kafkajs speaks fully to. */
export const KAFKA_VERSION = "3.9.1";
export const SCALA_VERSION = "2.13";
/** Pinned so the fetch does not change with the Maven installation's defaults. */
export const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

/** One local broker: its listener ports and the folder holding its config, data and log. */
export interface BrokerInstance {
  name: string;
  port: number;
  controllerPort: number;
}

export const DEFAULT_BROKER: BrokerInstance = { name: "default", port: 9092, controllerPort: 9093 };

/** Everything lives outside the repository, under the user's cache. */
export function cacheRoot(): string {
  const base = process.env.COUPON_PLATFORM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "coupon-platform");
  return join(base, "kafka");
}

export const releaseDir = () => join(cacheRoot(), KAFKA_VERSION);
export const libsDir = () => join(releaseDir(), "libs");
export const instanceDir = (instance: BrokerInstance) => join(cacheRoot(), "instances", instance.name);

export function instanceFiles(instance: BrokerInstance) {
  const dir = instanceDir(instance);
  return {
    dir,
    data: join(dir, "data"),
    serverProperties: join(dir, "server.properties"),
    log4jProperties: join(dir, "log4j.properties"),
    log: join(dir, "broker.log"),
    pid: join(dir, "broker.pid"),
  };
}
