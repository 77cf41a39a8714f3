/**
 * The Bolt server: a thin adapter from sockets to `BoltSession`, over plain TCP or WebSocket on
 * the same port (browser clients such as Neo4j Browser use WebSocket). Each connection is isolated:
 * malformed bytes, failed logins and abrupt disconnects end that connection only (and roll back
 * its open transaction); nothing a client sends can throw out of a socket handler.
 */
import { createServer, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { CypherDatabase } from "../database";
import type { ProcedureTable } from "../procedures";
import { ChunkDecoder, ChunkingError, encodeChunks } from "./chunking";
import { HANDSHAKE_BYTES, negotiate, readManifestChoice } from "./handshake";
import { decodeRequest } from "./messages";
import { pack, PackStreamError, PackWriter, unpack, type PackStructure } from "./packstream";
import { encodeFrame, FrameDecoder, handleUpgrade, looksLikeHttp } from "./websocket";
import { CommitLog, loadDatabase, persistOnCommit } from "./persistence";
import { EnginePool, type EnginePoolOptions } from "./engine-pool";
import { AuthGuard } from "./auth-guard";
import { BoltSession, type BoltVersion } from "./session";
import { failure } from "./messages";

export interface BoltServerOptions {
  host?: string;
  port: number;
  user: string;
  password: string;
  /** Load the graph from here at start and save it after every write commit. */
  dataDir?: string;
  database?: CypherDatabase;
  /** Upper bound for any query's run time (ms); default 5 s. */
  maxTxTimeoutMs?: number;
  /** Roll back an explicit transaction left without a message this long (ms); see SessionOptions. */
  maxIdleTxMs?: number;
  /**
   * Queries run in worker threads (heap-limited, terminated when they overrun), so no query can
   * block this event loop; `false` runs them in this thread (the TCK's fast path, tools).
   */
  engine?: false | Omit<EnginePoolOptions, "persist" | "log">;
  /** A connection must finish the handshake and log in within this time (ms); default 30 s. */
  authTimeoutMs?: number;
  /** Open connections at most; default 1,000. */
  maxConnections?: number;
  /** PEM certificate and key: serve TLS (clients use bolt+s:// / neo4j+s://, or +ssc for self-signed). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  log?: (message: string) => void;
}

export interface BoltServer {
  port: number;
  close(): Promise<void>;
  /** The database served (for tests and embedding). */
  readonly database: CypherDatabase;
  /** Serve another graph from now on (in-process embedding, e.g. a fresh graph per TCK scenario). */
  replaceDatabase(db: CypherDatabase): void;
  /** Register a procedure on the served database and its engine workers (the TCK's procedure step). */
  registerProcedure(signature: string, table: ProcedureTable): void;
  /** Open connections right now. */
  connectionCount(): number;
  /** Resolves when the engine workers have the graph (benchmarks measure a warm server). */
  ready(): Promise<void>;
}

let connectionCounter = 0;

export async function startBoltServer(options: BoltServerOptions): Promise<BoltServer> {
  const log = options.log ?? (() => {});
  let database =
    options.database ?? (options.dataDir ? loadDatabase(options.dataDir) : new CypherDatabase());
  const dataDir = options.dataDir;
  const commitLog =
    dataDir && options.engine !== false ? new CommitLog(dataDir, () => database) : undefined;
  const pool =
    options.engine === false
      ? undefined
      : new EnginePool(database, {
          ...options.engine,
          log,
          persist: commitLog ? (version, delta) => commitLog.append(version, delta) : undefined,
        });
  const watch = (db: CypherDatabase): void => {
    if (dataDir && !pool)
      persistOnCommit(db, dataDir, (e) =>
        log(`cypher: could not save the graph: ${e instanceof Error ? e.message : String(e)}`),
      );
    // a write committed on the served database in this thread (tests, embedding) reaches the workers too
    if (pool) {
      const previous = db.onCommit;
      db.onCommit = (d) => {
        previous?.(d);
        pool.resync();
      };
    }
  };
  watch(database);
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const authGuard = new AuthGuard();
  let boundPort = options.port;

  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const connectionId = `bolt-${++connectionCounter}`;
    let session: BoltSession | null = null;
    let handshake: Uint8Array = new Uint8Array(0);
    let awaitingManifestChoice = false;
    // Bolt messages are small (a query and its parameters); 16 MB bounds what one client can make us hold.
    const chunks = new ChunkDecoder(16 * 1024 * 1024);
    // Slow or silent clients may not hold a connection open without logging in.
    const authTimer = setTimeout(() => {
      if (!session || session.state === "CONNECTED" || session.state === "AUTHENTICATION") {
        log(
          `cypher: ${connectionId}: closing, no login within ${options.authTimeoutMs ?? 30_000} ms`,
        );
        socket.destroy();
      }
    }, options.authTimeoutMs ?? 30_000);
    authTimer.unref();
    let closed = false;
    // The same port serves Bolt over TCP and Bolt over WebSocket (browser clients), like Neo4j.
    let transport: "detect" | "tcp" | "http" | "websocket" = "detect";
    let http: Uint8Array = new Uint8Array(0);
    const frames = new FrameDecoder();
    const write = (bytes: Uint8Array): void => {
      if (socket.destroyed) return;
      socket.write(transport === "websocket" ? encodeFrame(bytes) : bytes);
    };

    const end = (): void => {
      if (closed) return;
      closed = true;
      session?.cleanup();
      if (transport === "websocket" && !socket.destroyed)
        socket.write(encodeFrame(new Uint8Array(0), 0x8));
      socket.end();
      // A client that never reads must not keep the socket forever.
      setTimeout(() => socket.destroy(), 2000).unref();
    };
    const send = (messages: PackStructure[]): void => {
      if (messages.length === 0 || socket.destroyed) return;
      const parts: Uint8Array[] = [];
      let broken = false;
      for (const m of messages) {
        try {
          const w = new PackWriter();
          w.pack(m);
          parts.push(encodeChunks(w.bytes()));
        } catch (e) {
          // Never let one unencodable value take the process down: answer with a FAILURE and close.
          log(
            `cypher: ${connectionId}: could not encode a response (${e instanceof Error ? e.message : String(e)})`,
          );
          parts.push(
            encodeChunks(
              pack(
                failure(
                  "Neo.DatabaseError.General.UnknownError",
                  "The server could not encode a result value.",
                ),
              ),
            ),
          );
          broken = true;
          break;
        }
      }
      write(Buffer.concat(parts));
      if (broken) end();
    };

    // Messages are answered strictly in order; while one waits for an engine worker, the rest
    // wait here (and the socket is paused, so a client cannot pile up unbounded input).
    const inbox: Uint8Array[] = [];
    let draining = false;
    const malformed = (e: unknown, out: PackStructure[]): void => {
      // Bytes we cannot parse: the stream is out of sync, so say why and close this connection.
      const reason =
        e instanceof PackStreamError || e instanceof ChunkingError
          ? e.message
          : `internal error: ${e instanceof Error ? e.message : String(e)}`;
      log(`cypher: ${connectionId}: closing after malformed input (${reason})`);
      out.push(failure("Neo.ClientError.Request.Invalid", `Malformed Bolt message: ${reason}`));
      send(out);
      end();
    };
    const drain = async (): Promise<void> => {
      if (draining) return;
      draining = true;
      const out: PackStructure[] = [];
      try {
        while (inbox.length > 0 && session && !closed) {
          let request;
          try {
            request = decodeRequest(unpack(inbox.shift()!));
          } catch (e) {
            inbox.length = 0;
            return malformed(e, out);
          }
          let result = session.handle(request);
          if (result instanceof Promise) {
            send(out.splice(0));
            socket.pause();
            result = await result;
            socket.resume();
          }
          out.push(...result.responses);
          if (result.close) {
            send(out);
            end();
            return;
          }
        }
        send(out);
      } finally {
        draining = false;
      }
    };
    const onMessages = (data: Uint8Array): void => {
      try {
        for (const bytes of chunks.push(data)) inbox.push(bytes);
      } catch (e) {
        inbox.length = 0;
        return malformed(e, []);
      }
      drain().catch((e: unknown) => {
        log(`cypher: ${connectionId}: ${e instanceof Error ? e.message : String(e)}`);
        end();
      });
    };

    const startSession = (version: BoltVersion, rest: Uint8Array): void => {
      session = new BoltSession({
        database: () => database,
        user: options.user,
        password: options.password,
        version,
        connectionId,
        advertisedAddress: `${host === "0.0.0.0" || host === "::" ? "localhost" : host}:${boundPort}`,
        maxTxTimeoutMs: options.maxTxTimeoutMs ?? 5_000,
        maxIdleTxMs: options.maxIdleTxMs,
        pool: pool ? () => pool : undefined,
        authGuard,
        clientAddress: socket.remoteAddress,
      });
      handshake = new Uint8Array(0);
      if (rest.length > 0) onMessages(rest);
    };
    const refuse = (reason: string, reply: Uint8Array | null): void => {
      log(`cypher: ${connectionId}: handshake refused (${reason})`);
      if (reply) write(reply);
      end();
    };

    /** The Bolt byte stream, whichever transport carried it. */
    const onBolt = (data: Uint8Array): void => {
      if (closed) return;
      if (session) return onMessages(data);
      handshake = Buffer.concat([handshake, data]);
      if (awaitingManifestChoice) {
        const choice = readManifestChoice(handshake);
        if (choice.status === "incomplete") return;
        if (choice.status === "refused") return refuse(choice.reason, null);
        return startSession(choice.version, handshake.subarray(choice.consumed));
      }
      if (handshake.length < HANDSHAKE_BYTES) return;
      const outcome = negotiate(handshake);
      if (!outcome.ok) return refuse(outcome.reason, outcome.reply);
      write(outcome.reply);
      if ("manifest" in outcome) {
        awaitingManifestChoice = true;
        handshake = handshake.subarray(HANDSHAKE_BYTES);
        if (handshake.length > 0) onBolt(new Uint8Array(0));
        return;
      }
      startSession(outcome.version, handshake.subarray(HANDSHAKE_BYTES));
    };

    const onWebSocket = (data: Uint8Array): void => {
      try {
        for (const event of frames.push(data)) {
          if (closed) return;
          if (event.type === "data") onBolt(event.payload);
          else if (event.type === "ping") socket.write(encodeFrame(event.payload, 0xa));
          else return end();
        }
      } catch (e) {
        log(
          `cypher: ${connectionId}: closing a broken WebSocket (${e instanceof Error ? e.message : String(e)})`,
        );
        end();
      }
    };

    socket.on("data", (data: Buffer) => {
      if (closed) return;
      if (transport === "tcp") return onBolt(data);
      if (transport === "websocket") return onWebSocket(data);
      http = Buffer.concat([http, data]);
      if (transport === "detect") {
        if (http.length < 4) return;
        transport = looksLikeHttp(http) ? "http" : "tcp";
        if (transport === "tcp") {
          const first = http;
          http = new Uint8Array(0);
          return onBolt(first);
        }
      }
      const upgrade = handleUpgrade(http);
      if (upgrade.status === "incomplete") return;
      if (upgrade.status === "refused") {
        log(`cypher: ${connectionId}: refused HTTP (${upgrade.reason})`);
        socket.write(upgrade.response);
        end();
        return;
      }
      socket.write(upgrade.response);
      transport = "websocket";
      http = new Uint8Array(0);
      if (upgrade.rest.length > 0) onWebSocket(upgrade.rest);
    });
    socket.on("error", () => {
      // ECONNRESET and friends: the client went away; "close" follows and cleans up.
    });
    socket.on("close", () => {
      clearTimeout(authTimer);
      closed = true;
      session?.cleanup();
      sockets.delete(socket);
    });
  };
  // TLS sockets are net sockets once the handshake is done; the Bolt code does not notice.
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onConnection)
    : createServer(onConnection);
  if (options.tls)
    server.on("tlsClientError", (e) => log(`cypher: TLS handshake failed (${e.message})`));

  // clients connect only once the engine workers have the graph
  await pool?.ready();
  server.maxConnections = options.maxConnections ?? 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address && typeof address === "object") boundPort = address.port;
  server.on("error", (e) => log(`cypher: server error: ${e.message}`));

  return {
    port: boundPort,
    get database() {
      return database;
    },
    replaceDatabase(db) {
      database = db;
      watch(db);
      pool?.replace(db);
      if (commitLog)
        void commitLog
          .checkpoint(0)
          .catch((e: unknown) => log(`cypher: could not save the graph: ${String(e)}`));
    },
    registerProcedure(signature, table) {
      database.registerProcedure(signature, table);
      pool?.resync();
    },
    connectionCount: () => sockets.size,
    ready: async () => {
      await pool?.ready();
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      await pool?.close();
      // a clean stop folds the commit log into the snapshot
      if (commitLog && pool) await commitLog.checkpoint(pool.committedVersion);
    },
  };
}
