import { fetchKafka } from "./lib/kafka-fetch";
import { KAFKA_VERSION, cacheRoot } from "./lib/kafka-layout";
import { kafkaStatus, startKafka, stopKafka } from "./lib/kafka-process";

const USAGE = "usage: tsx scripts/kafka.ts fetch|start|stop|status";
const log = (line: string) => console.log(`[kafka] ${line}`);

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case "fetch":
      fetchKafka(log);
      log(`Apache Kafka ${KAFKA_VERSION} is in ${cacheRoot()}`);
      return 0;
    case "start":
      await startKafka(log);
      return 0;
    case "stop":
      await stopKafka(log);
      return 0;
    case "status": {
      const status = await kafkaStatus();
      log(
        status.answers
          ? `answers on 127.0.0.1:9092${status.ownPid ? ` (pid ${status.ownPid}, started by this script)` : ""}`
          : "not running",
      );
      return status.answers ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[kafka] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
