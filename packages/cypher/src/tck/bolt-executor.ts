/**
 * The TCK through the wire: an in-process Bolt server on a free port and the official
 * neo4j-driver, so every scenario also exercises PackStream, the session state machine and the
 * driver's value hydration. Procedures are registered on the served database directly (the TCK
 * step describes the procedure; it is not a Cypher statement).
 */
import { randomBytes } from "node:crypto";
import neo4j, { type Driver } from "neo4j-driver";
import { CypherDatabase, type QueryStats } from "../database";
import { fromDriverValue, toDriverValue } from "../bolt/driver-values";
import { startBoltServer } from "../bolt/server";
import type { CypherValue } from "../values";
import type { TckError, TckExecutor, TckRunResult } from "./executor";

export async function createBoltExecutor(): Promise<TckExecutor> {
  const password = randomBytes(12).toString("hex");
  // the TCK checks semantics, not the server's 5 s query limit (some scenarios build million-element lists)
  const server = await startBoltServer({
    port: 0,
    user: "neo4j",
    password,
    maxTxTimeoutMs: 120_000,
  });
  const driver: Driver = neo4j.driver(
    `bolt://127.0.0.1:${server.port}`,
    neo4j.auth.basic("neo4j", password),
    {
      useBigInt: true,
      maxConnectionPoolSize: 2,
    },
  );
  await driver.verifyConnectivity();

  return {
    async reset() {
      server.replaceDatabase(new CypherDatabase());
    },
    async registerProcedure(signature, table) {
      server.registerProcedure(signature, table);
    },
    async run(query, params) {
      return runThroughDriver(driver, query, params);
    },
    async close() {
      await driver.close();
      await server.close();
    },
  };
}

async function runThroughDriver(
  driver: Driver,
  query: string,
  params: Record<string, CypherValue>,
): Promise<TckRunResult> {
  const session = driver.session();
  try {
    const driverParams = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, toDriverValue(v)]),
    );
    // Auto-commit, like the in-process executor's db.run: the query's writes commit only if it succeeds.
    const running = session.run(query, driverParams);
    const columns = (await running.keys()).map(String);
    const result = await running;
    const rows = result.records.map((r) => columns.map((_, i) => fromDriverValue(r.get(i))));
    const u = result.summary.counters.updates();
    const stats: QueryStats = {
      nodesCreated: u.nodesCreated,
      nodesDeleted: u.nodesDeleted,
      relationshipsCreated: u.relationshipsCreated,
      relationshipsDeleted: u.relationshipsDeleted,
      propertiesSet: u.propertiesSet,
      labelsAdded: u.labelsAdded,
      labelsRemoved: u.labelsRemoved,
    };
    return { columns, rows, stats };
  } catch (e) {
    return { error: driverErrorToTck(e) };
  } finally {
    await session.close();
  }
}

/** The server puts the TCK type/phase/detail in the failure's diagnostic record. */
function driverErrorToTck(e: unknown): TckError {
  if (e instanceof neo4j.Neo4jError) {
    const record = (e.diagnosticRecord ?? {}) as Record<string, unknown>;
    const str = (k: string): string | undefined =>
      typeof record[k] === "string" ? (record[k] as string) : undefined;
    const out: TckError = { code: e.code, message: e.message };
    const type = str("_cypher_type");
    const phase = str("_cypher_phase");
    const detail = str("_cypher_detail");
    if (type) out.type = type;
    if (phase) out.phase = phase;
    if (detail) out.detail = detail;
    return out;
  }
  return { message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}
