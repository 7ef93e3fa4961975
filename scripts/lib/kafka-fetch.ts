import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEPENDENCY_PLUGIN, KAFKA_VERSION, SCALA_VERSION, libsDir, releaseDir } from "./kafka-layout";

// Maven Central carries Kafka's jars but not the release tarball, so the broker's
// classpath is the kafka_2.13 artifact plus its runtime dependencies, resolved by mvn.
// slf4j-reload4j gives the broker a log backend, as the official distribution does.
function runtimePom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.coupon-platform</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${SCALA_VERSION}</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
`;
}

const completeMarker = () => join(libsDir(), ".complete");

export function isKafkaFetched(): boolean {
  return existsSync(completeMarker());
}

/** Downloads the broker's jars once; later calls return at once. */
export function fetchKafka(log: (line: string) => void): void {
  if (isKafkaFetched()) return;
  mkdirSync(releaseDir(), { recursive: true });
  const pom = join(releaseDir(), "pom.xml");
  writeFileSync(pom, runtimePom());
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${libsDir()} ...`);
  const result = spawnSync(
    "mvn",
    [
      "-B",
      "-q",
      "-Dstyle.color=never",
      "-f",
      pom,
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${libsDir()}`,
      "-DincludeScope=runtime",
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  if (result.error) throw new Error(`could not run mvn (${result.error.message}); install Maven, e.g. apt-get install maven`);
  if (result.status !== 0)
    throw new Error(`mvn exited with ${result.status ?? `signal ${result.signal ?? "?"}`} while fetching Kafka jars`);
  const jars = readdirSync(libsDir()).filter((f) => f.endsWith(".jar"));
  if (!jars.includes(`kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar`)) throw new Error("mvn finished but the Kafka jar is missing");
  writeFileSync(completeMarker(), `${jars.length} jars\n`);
  log(`fetched ${jars.length} jars`);
}
