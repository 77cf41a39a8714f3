/**
 * What completion offers for a lesson's graph, computed on the server when the lesson page is
 * built: the dataset (content/datasets/<name>.cypher) is loaded into a private embedded engine
 * and asked for its labels, relationship types and property keys; the functions come from the
 * engine's own function table. The page gets plain lists, so the browser never queries for them.
 */
import "server-only";
import { CypherDatabase, functionNames } from "@courses/cypher";
import { loadDataset } from "./datasets";
import type { CypherSchema } from "./cypher-completion";
import { splitStatements } from "./statements";

/** The engine looks functions up in lower case; these are their documented spellings. */
const SPELLING = new Map(
  (
    "elementId isEmpty startNode endNode toString toStringOrNull toInteger toIntegerOrNull toFloat " +
    "toFloatOrNull toBoolean toBooleanOrNull toBooleanList toIntegerList toFloatList toStringList " +
    "randomUUID toUpper toLower isNaN valueType stDev stDevP percentileCont percentileDisc " +
    "datetime.fromEpoch datetime.fromEpochMillis duration.inMonths duration.inDays duration.inSeconds " +
    "date.truncate datetime.truncate localdatetime.truncate localtime.truncate time.truncate " +
    "date.realtime date.statement date.transaction datetime.realtime datetime.statement " +
    "datetime.transaction localdatetime.realtime localdatetime.statement localdatetime.transaction " +
    "localtime.realtime localtime.statement localtime.transaction time.realtime time.statement " +
    "time.transaction"
  )
    .split(" ")
    .map((name) => [name.toLowerCase(), name] as const),
);

export const spelledFunctionNames = (): string[] =>
  [...new Set(functionNames().map((n) => SPELLING.get(n) ?? n))].sort((a, b) => a.localeCompare(b));

const LIST_QUERIES = {
  labels: "MATCH (n) UNWIND labels(n) AS name RETURN DISTINCT name",
  relationshipTypes: "MATCH ()-[r]->() RETURN DISTINCT type(r) AS name",
  nodeKeys: "MATCH (n) UNWIND keys(n) AS name RETURN DISTINCT name",
  relationshipKeys: "MATCH ()-[r]->() UNWIND keys(r) AS name RETURN DISTINCT name",
};

/** Labels, types and keys of a dataset's graph, sorted. */
export function graphSchemaOf(datasetText: string): Omit<CypherSchema, "functions"> {
  const db = new CypherDatabase();
  for (const statement of splitStatements(datasetText)) db.run(statement.text);
  const names = (query: string) =>
    db.run(query).rows.flatMap((row) => (typeof row[0] === "string" ? [row[0]] : []));
  const sorted = (list: string[]) => [...new Set(list)].sort((a, b) => a.localeCompare(b));
  return {
    labels: sorted(names(LIST_QUERIES.labels)),
    relationshipTypes: sorted(names(LIST_QUERIES.relationshipTypes)),
    propertyKeys: sorted([
      ...names(LIST_QUERIES.nodeKeys),
      ...names(LIST_QUERIES.relationshipKeys),
    ]),
  };
}

const cache = new Map<string, Promise<Omit<CypherSchema, "functions">>>();

/** The completion schema for the datasets a lesson's Cypher cells use (merged). */
export async function cypherSchemaFor(datasets: Iterable<string>): Promise<CypherSchema> {
  const graphs = await Promise.all(
    [...new Set(datasets)].map((name) => {
      let graph = cache.get(name);
      if (!graph) {
        graph = loadDataset(name).then(graphSchemaOf);
        graph.catch(() => cache.delete(name));
        cache.set(name, graph);
      }
      return graph;
    }),
  );
  const merge = (pick: (g: Omit<CypherSchema, "functions">) => string[]) =>
    [...new Set(graphs.flatMap(pick))].sort((a, b) => a.localeCompare(b));
  return {
    labels: merge((g) => g.labels),
    relationshipTypes: merge((g) => g.relationshipTypes),
    propertyKeys: merge((g) => g.propertyKeys),
    functions: spelledFunctionNames(),
  };
}
