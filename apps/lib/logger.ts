import pino from "pino";
import { LOG_REDACT_PATHS, REDACTED } from "./redaction";

export type Logger = pino.Logger;

/**
 * JSON logs on stdout (or `destination`), one object per line, ready for the
 * cluster's log shipper. Credentials are censored before a line is written.
 */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
  };
  return destination ? pino(options, destination) : pino(options);
}
