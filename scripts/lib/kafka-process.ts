import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { classpath, prepareInstance } from "./kafka-config";
import { fetchKafka } from "./kafka-fetch";
import { type BrokerInstance, DEFAULT_BROKER, instanceFiles } from "./kafka-layout";
import { kafkaAnswers, waitForKafka } from "./kafka-probe";
import { isPortOpen, sleep } from "./port-probe";

type Log = (line: string) => void;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pid recorded at start, only if that process is still this instance's broker:
 * a reused pid must never be signalled.
 */
function ownBrokerPid(instance: BrokerInstance): number | undefined {
  const files = instanceFiles(instance);
  if (!existsSync(files.pid)) return undefined;
  const pid = Number(readFileSync(files.pid, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("kafka.Kafka") && cmdline.includes(files.serverProperties) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function logTail(path: string, lines = 30): string {
  if (!existsSync(path)) return "(no log)";
  return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
}

export type StartOutcome = "started" | "already-running";

/** Fetches, formats and starts the broker unless one already answers on its port. Safe to repeat. */
export async function startKafka(log: Log, instance: BrokerInstance = DEFAULT_BROKER): Promise<StartOutcome> {
  if (await kafkaAnswers(instance.port)) {
    log(`Kafka already answers on 127.0.0.1:${instance.port}`);
    return "already-running";
  }
  if (await isPortOpen(instance.port)) throw new Error(`port ${instance.port} is taken by something that is not a Kafka broker`);
  fetchKafka(log);
  prepareInstance(instance, log);
  const files = instanceFiles(instance);
  const out = openSync(files.log, "a");
  const child = spawn(
    "java",
    [
      "-Xms256m",
      "-Xmx512m",
      "-Djava.awt.headless=true",
      `-Dlog4j.configuration=file:${files.log4jProperties}`,
      "-cp",
      classpath(),
      "kafka.Kafka",
      files.serverProperties,
    ],
    { detached: true, stdio: ["ignore", out, out] },
  );
  closeSync(out);
  if (child.pid === undefined) throw new Error("java did not start");
  writeFileSync(files.pid, `${child.pid}\n`);
  let exited = false;
  child.once("exit", () => (exited = true));
  child.unref();
  log(`starting Kafka (pid ${child.pid}), log: ${files.log}`);
  if (!(await waitForKafka(instance.port, 120, () => !exited))) {
    if (!exited) child.kill("SIGKILL");
    throw new Error(`Kafka did not come up on 127.0.0.1:${instance.port}. Last log lines:\n${logTail(files.log)}`);
  }
  log(`Kafka answers on 127.0.0.1:${instance.port}`);
  return "started";
}

/** Stops the broker this script started (SIGTERM, then SIGKILL after 30 s). Safe to repeat. */
export async function stopKafka(log: Log, instance: BrokerInstance = DEFAULT_BROKER): Promise<void> {
  const files = instanceFiles(instance);
  const pid = ownBrokerPid(instance);
  if (pid === undefined) {
    rmSync(files.pid, { force: true });
    if (await isPortOpen(instance.port)) log(`a broker not started by this script listens on ${instance.port}; leaving it alone`);
    else log("Kafka is not running");
    return;
  }
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 60 && isAlive(pid); i++) await sleep(500);
  if (isAlive(pid)) {
    log(`Kafka (pid ${pid}) ignored SIGTERM for 30 s; killing it`);
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 20 && isAlive(pid); i++) await sleep(250);
  }
  rmSync(files.pid, { force: true });
  log(`Kafka stopped (pid ${pid})`);
}

export async function kafkaStatus(instance: BrokerInstance = DEFAULT_BROKER): Promise<{ answers: boolean; ownPid: number | undefined }> {
  return { answers: await kafkaAnswers(instance.port), ownPid: ownBrokerPid(instance) };
}
