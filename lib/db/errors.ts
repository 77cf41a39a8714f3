// What a database error means for the caller, whatever layer wrapped it. Prisma 7 with
// @prisma/adapter-pg throws PrismaClientKnownRequestError whose `meta.driverAdapterError.cause`
// holds `{ originalCode, code, kind }` (the Postgres SQLSTATE); a lost connection arrives as a
// plain Error ("Connection terminated unexpectedly"); `pg` errors carry `code` directly and
// Node socket errors carry `code` + `syscall`.
//
//   invalid-data: the statement can never succeed with this data (SQLSTATE classes 22, 23) —
//                 answer 4xx, never "will be retried";
//   unavailable:  the database could not be reached or dropped the connection — 503, retry;
//   conflict:     a concurrent transaction won (serialization failure, deadlock) — retry;
//   other:        anything else (a bug: 500).
import "server-only";

export type DatabaseErrorClass = "invalid-data" | "unavailable" | "conflict" | "other";

const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOENT",
  "EACCES",
]);
// Codes whose connection is gone (retrying on a new connection is the remedy).
const LOST_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE"]);
const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
]);
const LOST_MESSAGES = [
  /connection terminated/i,
  /client has encountered a connection error and is not queryable/i,
  /server closed the connection unexpectedly/i,
  /\bECONNRESET\b/,
  /\bEPIPE\b/,
];
const UNAVAILABLE_MESSAGES = [
  ...LOST_MESSAGES,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /cannot use a pool after calling end/i,
  /\bECONNREFUSED\b/,
  /Can't reach database server/i,
];

type Facts = {
  sqlstates: string[];
  socketCodes: string[];
  kinds: string[];
  messages: string[];
  names: string[];
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** Collects codes and messages from the error, its `cause` chain and Prisma's adapter metadata. */
function collect(error: unknown): Facts {
  const facts: Facts = { sqlstates: [], socketCodes: [], kinds: [], messages: [], names: [] };
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (!isRecord(current) || seen.has(current)) continue;
    seen.add(current);
    for (const key of ["code", "originalCode"] as const) {
      const code = current[key];
      if (typeof code !== "string") continue;
      if (/^[0-9A-Z]{5}$/.test(code)) facts.sqlstates.push(code);
      else if (/^E[A-Z_]+$/.test(code)) facts.socketCodes.push(code);
    }
    if (typeof current.kind === "string") facts.kinds.push(current.kind);
    for (const key of ["message", "originalMessage"] as const) {
      if (typeof current[key] === "string") facts.messages.push(current[key]);
    }
    if (typeof current.name === "string") facts.names.push(current.name);
    queue.push(current.cause);
    if (isRecord(current.meta)) queue.push(current.meta.driverAdapterError, current.meta.cause);
    if (Array.isArray(current.errors)) queue.push(...(current.errors as unknown[])); // AggregateError (dual-stack connect)
  }
  return facts;
}

/** Classifies any error thrown by Prisma, the pg driver or the socket under them. */
export function classifyDatabaseError(error: unknown): DatabaseErrorClass {
  const facts = collect(error);
  for (const state of facts.sqlstates) {
    const cls = state.slice(0, 2);
    if (cls === "22" || cls === "23") return "invalid-data";
    if (state === "40001" || state === "40P01") return "conflict";
    // 08: connection exception; 53: insufficient resources (too many connections);
    // 57P01-03: the server is shutting down or starting.
    if (cls === "08" || cls === "53" || /^57P0[1-3]$/.test(state)) return "unavailable";
  }
  if (
    facts.kinds.some(
      (kind) =>
        kind === "InvalidInputValue" ||
        kind === "LengthMismatch" ||
        kind === "ValueOutOfRange" ||
        kind.endsWith("ConstraintViolation"),
    )
  )
    return "invalid-data";
  if (facts.kinds.includes("TransactionWriteConflict")) return "conflict";
  if (facts.kinds.some((kind) => UNAVAILABLE_KINDS.has(kind))) return "unavailable";
  if (facts.socketCodes.some((code) => SOCKET_CODES.has(code))) return "unavailable";
  if (facts.names.includes("PrismaClientInitializationError")) return "unavailable";
  if (
    facts.messages.some((message) => UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
  )
    return "unavailable";
  return "other";
}

/**
 * True when the connection the statement used is gone (not merely refused or slow): the
 * statement may or may not have run, and a new connection is likely to work. Only callers whose
 * work is idempotent may retry on it.
 */
export function isConnectionLost(error: unknown): boolean {
  const facts = collect(error);
  if (
    facts.sqlstates.some(
      (state) => /^57P0[12]$/.test(state) || state === "08006" || state === "08003",
    )
  )
    return true;
  if (facts.kinds.includes("ConnectionClosed")) return true;
  if (facts.socketCodes.some((code) => LOST_SOCKET_CODES.has(code))) return true;
  return facts.messages.some((message) => LOST_MESSAGES.some((pattern) => pattern.test(message)));
}
