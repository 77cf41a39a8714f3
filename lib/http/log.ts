import pino from "pino";
import { currentRequest } from "./request-context";

// The one logger: JSON lines on stdout, each line of a request with its request id. Never log
// secrets, passwords or request bodies; log errors as { err } so pino serialises them.

const LOGGER = Symbol.for("courses.http.logger");
type GlobalWithLogger = typeof globalThis & { [LOGGER]?: pino.Logger };

export type LoggerOptions = { level?: string; destination?: pino.DestinationStream };

/** A logger with the house settings; `destination` lets tests read the lines. */
export function createLogger({ level, destination }: LoggerOptions = {}): pino.Logger {
  const options: pino.LoggerOptions = {
    level: level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    base: { service: "courses" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "cookie",
        "*.cookie",
        "authorization",
        "*.authorization",
      ],
      censor: "[redacted]",
    },
    mixin: () => {
      const request = currentRequest();
      return request ? { requestId: request.requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const logger: pino.Logger = ((globalThis as GlobalWithLogger)[LOGGER] ??= createLogger());

/** Writes out lines still buffered (shutdown). */
export function flushLogs(): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
