/**
 * Cypher cells through the same code path as the app: runCypherCell (lib/cells/cypher) over
 * neo4j-driver to the embedded Bolt server, started in this process on a free port.
 */
import neo4j, { type Driver } from "neo4j-driver";
import { startEmbeddedCypher, type EmbeddedCypher } from "@/lib/neo4j/embedded";
import { runCypherCell, type CypherCellResult } from "@/lib/cells/cypher/run-cypher-cell";
import { DEFAULT_PASS_MESSAGE, MISCONFIGURED_CHECK_MESSAGE } from "./cypher-check";
import type { CellContext, KindRunner, RunVerdict } from "@/lib/content/check/check-lesson";

function verdict(result: CypherCellResult): RunVerdict {
  if (result.ok) {
    const success = result.outputs.find((o) => o.type === "success");
    const message = success?.type === "success" ? success.message : undefined;
    return message !== undefined && message !== DEFAULT_PASS_MESSAGE
      ? { ok: true, passMessage: message }
      : { ok: true };
  }
  const error = result.outputs.find((o) => o.type === "error");
  if (error?.type !== "error") return { ok: false, message: "failed" };
  return { ok: false, message: `${error.name}: ${error.message}`, failed: failedPart(error) };
}

/** Which part of a checked run failed, from the error runCypherCell reported (see its runCheck). */
function failedPart(error: { name: string; message: string }): RunVerdict["failed"] {
  if (error.name === "CheckError" || error.message === MISCONFIGURED_CHECK_MESSAGE)
    return "check-error";
  return error.name === "CheckFailed" ? "check" : "code";
}

export interface CypherRunner extends KindRunner {
  close(): Promise<void>;
}

export function createCypherRunner(): CypherRunner {
  let server: Promise<{ embedded: EmbeddedCypher; driver: Driver }> | null = null;
  const connect = () => {
    server ??= startEmbeddedCypher({ inProcess: true, log: () => {} }).then((embedded) => ({
      embedded,
      driver: neo4j.driver(embedded.uri, neo4j.auth.basic(embedded.user, embedded.password), {
        useBigInt: true,
      }),
    }));
    return server;
  };
  const input = (context: CellContext, check?: string) => {
    const cell = context.cells[context.index]!;
    const previous = context.cells.slice(0, context.index);
    return {
      dataset: cell.attributes.dataset,
      previousQueries: previous.map((c) => c.code),
      previousLabels: previous.map((c) => c.id),
      query: context.code,
      ...(check !== undefined ? { check } : {}),
    };
  };
  return {
    unavailable: () => null,
    async run(context) {
      const { driver } = await connect();
      return verdict(await runCypherCell(input(context), { driver }));
    },
    async check(context) {
      const { driver } = await connect();
      return verdict(await runCypherCell(input(context, context.check), { driver }));
    },
    async close() {
      if (!server) return;
      const { embedded, driver } = await server;
      await driver.close();
      await embedded.close();
    },
  };
}
