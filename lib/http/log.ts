import pino from "pino";
import { currentRequest } from "./request-context";

// The one logger: JSON lines on stdout, each line of a request with its request id. Never log
// secrets, passwords or request bodies; log errors as { err } so pino serialises them.

const LOGGER = Symbol.for("courses.http.logger");
type GlobalWithLogger = typeof globalThis & { [LOGGER]?: pino.Logger };

function createLogger(): pino.Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
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
  });
}

export const logger: pino.Logger = ((globalThis as GlobalWithLogger)[LOGGER] ??= createLogger());
