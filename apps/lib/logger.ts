import pino from "pino";

export type Logger = pino.Logger;

/** JSON logs on stdout, one object per line, ready for the cluster's log shipper. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
