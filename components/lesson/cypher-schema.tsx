"use client";
import { useEffect } from "react";
import type { CypherSchema } from "@/lib/cells/cypher/cypher-completion";
import { setCypherSchema } from "@/lib/cells/cypher/completion-schema";
import { EMPTY_CYPHER_SCHEMA } from "@/lib/cells/cypher/cypher-completion";

/** Hands the lesson's graph schema (computed when the page was built) to Cypher completion. */
export function CypherSchemaForCompletion({ schema }: { schema: CypherSchema }) {
  useEffect(() => {
    setCypherSchema(schema);
    return () => setCypherSchema(EMPTY_CYPHER_SCHEMA);
  }, [schema]);
  return null;
}
