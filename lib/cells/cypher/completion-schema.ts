/**
 * The lesson's Cypher completion schema on the page: the lesson body hands it over when it
 * renders (components/lesson/cypher-schema.tsx), the editor's completion reads it. One lesson
 * is on a page at a time, so one module-level value is enough.
 */
import { EMPTY_CYPHER_SCHEMA, type CypherSchema } from "./cypher-completion";

let current: CypherSchema = EMPTY_CYPHER_SCHEMA;

export function setCypherSchema(schema: CypherSchema): void {
  current = schema;
}

export function currentCypherSchema(): CypherSchema {
  return current;
}
