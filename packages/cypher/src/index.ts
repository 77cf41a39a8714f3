// The public API of the embedded openCypher engine. The app imports only from here (and from
// "@courses/cypher/bolt" for the server, "@courses/cypher/tck" for the TCK runner).
export {
  CypherDatabase,
  emptyStats,
  type QueryParams,
  type QueryResult,
  type QueryStats,
  type RunOptions,
  type Transaction,
} from "./database";
export { functionNames } from "./functions";
export {
  CypherError,
  positionAt,
  type CypherErrorPhase,
  type CypherErrorType,
  type SourcePosition,
} from "./errors";
export {
  formatTemporal,
  formatValue,
  isNode,
  isPath,
  isRelationship,
  makeMap,
  type CypherMap,
  type CypherValue,
  type NodeValue,
  type PathValue,
  type RelationshipValue,
  type TemporalValue,
} from "./values";
