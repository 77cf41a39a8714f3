/**
 * Declared indexes and constraints (Neo4j 5 schema commands). The state is immutable: a command
 * builds a new one and the graph version swaps it in, so a rolled-back transaction leaves the
 * schema as it was. Uniqueness, existence, node key and type constraints are enforced on every
 * entity a statement touched, at the end of the statement.
 */
import { z } from "zod";
import type { CypherType, SchemaCommand } from "./ast";
import { equalValues } from "./compare";
import { CypherError } from "./errors";
import type { Graph } from "./graph";
import { formatType, typeMatches } from "./type-predicate";
import { formatValue, type CypherValue, type NodeValue, type RelationshipValue } from "./values";

export interface IndexDef {
  id: number;
  name: string;
  type: string;
  entity: "node" | "relationship";
  label: string;
  properties: string[];
  owningConstraint?: string;
}
interface ConstraintDef {
  id: number;
  name: string;
  type:
    | "UNIQUENESS"
    | "NODE_KEY"
    | "NODE_PROPERTY_EXISTENCE"
    | "RELATIONSHIP_PROPERTY_EXISTENCE"
    | "NODE_PROPERTY_TYPE"
    | "RELATIONSHIP_PROPERTY_TYPE";
  entity: "node" | "relationship";
  label: string;
  properties: string[];
  propertyType?: CypherType;
  ownedIndex?: string;
}
export interface SchemaState {
  readonly indexes: readonly IndexDef[];
  readonly constraints: readonly ConstraintDef[];
  readonly nextId: number;
}

export const EMPTY_SCHEMA: SchemaState = { indexes: [], constraints: [], nextId: 1 };

const schemaError = (msg: string): CypherError =>
  new CypherError("SemanticError", "runtime", "SchemaRuleError", msg);

/** Neo4j names unnamed rules `index_<hash>` / `constraint_<hash>` from their definition. */
function defaultName(prefix: string, parts: string[]): string {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0000")) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${prefix}_${h.toString(16).padStart(8, "0")}`;
}

const describe = (entity: string, label: string, props: string[]): string =>
  entity === "node"
    ? `(:${label} {${props.join(", ")}})`
    : `()-[:${label} {${props.join(", ")}}]-()`;

/** The declared index an equality lookup on (label, key) may use, if any. */
export function indexFor(schema: SchemaState, label: string, key: string): IndexDef | undefined {
  return schema.indexes.find(
    (i) =>
      i.entity === "node" && i.label === label && i.properties[0] === key && i.type !== "POINT",
  );
}

export function isUniqueIndex(schema: SchemaState, idx: IndexDef): boolean {
  return (
    idx.owningConstraint !== undefined &&
    schema.constraints.some(
      (c) => c.name === idx.owningConstraint && (c.type === "UNIQUENESS" || c.type === "NODE_KEY"),
    )
  );
}

/** Applies CREATE/DROP INDEX/CONSTRAINT to a schema; existing data is checked against a new constraint. */
export function applySchemaCommand(
  schema: SchemaState,
  cmd: SchemaCommand,
  graph: Graph,
): SchemaState {
  switch (cmd.kind) {
    case "createIndex": {
      const same = schema.indexes.find(
        (i) =>
          i.entity === cmd.entity &&
          i.label === cmd.label &&
          i.type === cmd.indexType &&
          i.properties.join() === cmd.properties.join(),
      );
      const name =
        cmd.name ?? defaultName("index", [cmd.indexType, cmd.entity, cmd.label, ...cmd.properties]);
      if (
        same ||
        schema.indexes.some((i) => i.name === name) ||
        schema.constraints.some((c) => c.name === name)
      ) {
        if (cmd.ifNotExists) return schema;
        if (same?.owningConstraint)
          throw schemaError(
            `There is a uniqueness constraint on ${describe(cmd.entity, cmd.label, cmd.properties)}, so an index is already created that matches this.`,
          );
        if (same) throw schemaError(`An equivalent index already exists, '${same.name}'.`);
        throw schemaError(`There already exists an index called '${name}'.`);
      }
      const idx: IndexDef = {
        id: schema.nextId,
        name,
        type: cmd.indexType,
        entity: cmd.entity,
        label: cmd.label,
        properties: cmd.properties,
      };
      return { ...schema, indexes: [...schema.indexes, idx], nextId: schema.nextId + 1 };
    }
    case "dropIndex": {
      const idx = schema.indexes.find((i) => i.name === cmd.name);
      if (!idx) {
        if (cmd.ifExists) return schema;
        throw schemaError(`Unable to drop index called \`${cmd.name}\`. There is no such index.`);
      }
      if (idx.owningConstraint)
        throw schemaError(
          `Unable to drop index: Index belongs to constraint: \`${idx.owningConstraint}\``,
        );
      return { ...schema, indexes: schema.indexes.filter((i) => i !== idx) };
    }
    case "createConstraint": {
      const type: ConstraintDef["type"] =
        cmd.constraintType === "UNIQUE"
          ? "UNIQUENESS"
          : cmd.constraintType === "NODE KEY"
            ? "NODE_KEY"
            : cmd.constraintType === "NOT NULL"
              ? cmd.entity === "node"
                ? "NODE_PROPERTY_EXISTENCE"
                : "RELATIONSHIP_PROPERTY_EXISTENCE"
              : cmd.entity === "node"
                ? "NODE_PROPERTY_TYPE"
                : "RELATIONSHIP_PROPERTY_TYPE";
      const name =
        cmd.name ?? defaultName("constraint", [type, cmd.entity, cmd.label, ...cmd.properties]);
      const same = schema.constraints.find(
        (c) =>
          c.type === type && c.label === cmd.label && c.properties.join() === cmd.properties.join(),
      );
      if (
        same ||
        schema.constraints.some((c) => c.name === name) ||
        schema.indexes.some((i) => i.name === name)
      ) {
        if (cmd.ifNotExists) return schema;
        if (same)
          throw schemaError(
            `An equivalent constraint already exists, 'Constraint( name='${same.name}', type='${same.type}', schema=${describe(cmd.entity, cmd.label, cmd.properties)} )'.`,
          );
        throw schemaError(`There already exists a constraint called '${name}'.`);
      }
      const c: ConstraintDef = {
        id: schema.nextId,
        name,
        type,
        entity: cmd.entity,
        label: cmd.label,
        properties: cmd.properties,
        propertyType: cmd.propertyType,
      };
      let next: SchemaState = { ...schema, nextId: schema.nextId + 1 };
      if (type === "UNIQUENESS" || type === "NODE_KEY") {
        if (
          schema.indexes.some(
            (i) =>
              i.entity === "node" &&
              i.label === cmd.label &&
              i.type === "RANGE" &&
              i.properties.join() === cmd.properties.join(),
          )
        )
          throw schemaError(
            `There already exists an index ${describe(cmd.entity, cmd.label, cmd.properties)}. A constraint cannot be created until the index has been dropped.`,
          );
        c.ownedIndex = name;
        next = {
          ...next,
          indexes: [
            ...next.indexes,
            {
              id: next.nextId,
              name,
              type: "RANGE",
              entity: "node",
              label: cmd.label,
              properties: cmd.properties,
              owningConstraint: name,
            },
          ],
          nextId: next.nextId + 1,
        };
      }
      next = { ...next, constraints: [...next.constraints, c] };
      const entities =
        cmd.entity === "node"
          ? graph.nodesWithLabel(cmd.label)
          : [...graph.rels.values()].filter((r) => r.type === cmd.label);
      for (const e of entities) {
        const broken = violation(graph, c, e);
        if (broken)
          throw schemaError(
            `Unable to create Constraint( name='${name}', type='${type}', schema=${describe(cmd.entity, cmd.label, cmd.properties)} ): ${broken}`,
          );
      }
      return next;
    }
    case "dropConstraint": {
      const c = schema.constraints.find((x) => x.name === cmd.name);
      if (!c) {
        if (cmd.ifExists) return schema;
        throw schemaError(
          `Unable to drop constraint \`${cmd.name}\`: No such constraint ${cmd.name}.`,
        );
      }
      return {
        ...schema,
        constraints: schema.constraints.filter((x) => x !== c),
        indexes: schema.indexes.filter((i) => i.owningConstraint !== c.name),
      };
    }
    case "show":
      return schema;
  }
}

/** Why an entity breaks a constraint, or undefined. */
function violation(
  graph: Graph,
  c: ConstraintDef,
  e: NodeValue | RelationshipValue,
): string | undefined {
  const values = c.properties.map((p) => e.properties.get(p));
  const what =
    e.kind === "node"
      ? `Node(${e.id}) with label \`${c.label}\``
      : `Relationship(${e.id}) with type \`${c.label}\``;
  if (c.type === "NODE_KEY" || c.type.endsWith("EXISTENCE")) {
    const missing = c.properties.filter((_, i) => values[i] === undefined);
    if (missing.length > 0)
      return `${what} must have the ${missing.length > 1 ? "properties" : "property"} ${missing.map((p) => `\`${p}\``).join(", ")}`;
  }
  if (c.type.endsWith("TYPE") && c.propertyType) {
    const v = values[0];
    if (v !== undefined && !typeMatches(v, c.propertyType))
      return `${what} has property \`${c.properties[0]}\` of a type other than ${formatType(c.propertyType)}`;
  }
  if (
    (c.type === "UNIQUENESS" || c.type === "NODE_KEY") &&
    e.kind === "node" &&
    values.every((v) => v !== undefined)
  ) {
    for (const other of graph.nodesWithLabel(c.label)) {
      if (other.id === e.id) continue;
      if (
        c.properties.every(
          (p, i) => equalValues(other.properties.get(p) ?? null, values[i] as CypherValue) === true,
        )
      ) {
        const shown = c.properties
          .map((p, i) => `\`${p}\` = ${formatValue(values[i] as CypherValue)}`)
          .join(" and property ");
        return `Node(${other.id}) already exists with label \`${c.label}\` and property ${shown}`;
      }
    }
  }
  return undefined;
}

/** End-of-statement check of the entities a statement created or changed. */
export function checkConstraints(
  graph: Graph,
  schema: SchemaState,
  nodes: Iterable<bigint>,
  rels: Iterable<bigint>,
): void {
  if (schema.constraints.length === 0) return;
  for (const id of nodes) {
    const n = graph.nodes.get(id);
    if (!n) continue;
    for (const c of schema.constraints) {
      if (c.entity !== "node" || !n.labels.includes(c.label)) continue;
      const broken = violation(graph, c, n);
      if (broken)
        throw new CypherError(
          "ConstraintValidationFailed",
          "runtime",
          "ConstraintViolation",
          broken,
        );
    }
  }
  for (const id of rels) {
    const r = graph.rels.get(id);
    if (!r) continue;
    for (const c of schema.constraints) {
      if (c.entity !== "relationship" || r.type !== c.label) continue;
      const broken = violation(graph, c, r);
      if (broken)
        throw new CypherError(
          "ConstraintValidationFailed",
          "runtime",
          "ConstraintViolation",
          broken,
        );
    }
  }
}

/** Rows of SHOW INDEXES / SHOW CONSTRAINTS, keyed by column (all columns; YIELD/RETURN pick). */
export function showRows(
  schema: SchemaState,
  what: "INDEXES" | "CONSTRAINTS",
  filter: string,
): Map<string, CypherValue>[] {
  if (what === "INDEXES") {
    return schema.indexes
      .filter((i) => filter === "ALL" || filter === i.type)
      .map((i) => {
        const target = i.entity === "node" ? `(n:\`${i.label}\`)` : `()-[r:\`${i.label}\`]-()`;
        const v = i.entity === "node" ? "n" : "r";
        return new Map<string, CypherValue>([
          ["id", BigInt(i.id)],
          ["name", i.name],
          ["state", "ONLINE"],
          ["populationPercent", 100.0],
          ["type", i.type],
          ["entityType", i.entity === "node" ? "NODE" : "RELATIONSHIP"],
          ["labelsOrTypes", [i.label]],
          ["properties", [...i.properties]],
          [
            "indexProvider",
            i.type === "TEXT" ? "text-2.0" : i.type === "POINT" ? "point-1.0" : "range-1.0",
          ],
          ["owningConstraint", i.owningConstraint ?? null],
          ["lastRead", null],
          ["readCount", null],
          ["trackedSince", null],
          ["options", null],
          ["failureMessage", ""],
          [
            "createStatement",
            `CREATE ${i.type} INDEX \`${i.name}\` FOR ${target} ON (${i.properties.map((p) => `${v}.\`${p}\``).join(", ")})`,
          ],
        ]);
      });
  }
  const wanted = (c: ConstraintDef): boolean =>
    filter === "ALL" ||
    (filter.includes("UNIQUE") && c.type === "UNIQUENESS") ||
    (filter.includes("KEY") && c.type === "NODE_KEY") ||
    ((filter.includes("EXIST") || filter.includes("EXISTENCE")) && c.type.endsWith("EXISTENCE")) ||
    (filter.includes("TYPE") && c.type.endsWith("TYPE"));
  return schema.constraints.filter(wanted).map((c) => {
    const v = c.entity === "node" ? "n" : "r";
    const target = c.entity === "node" ? `(n:\`${c.label}\`)` : `()-[r:\`${c.label}\`]-()`;
    const props = c.properties.map((p) => `${v}.\`${p}\``);
    const req = props.length > 1 ? `(${props.join(", ")})` : props[0];
    const rule =
      c.type === "UNIQUENESS"
        ? "IS UNIQUE"
        : c.type === "NODE_KEY"
          ? "IS NODE KEY"
          : c.type.endsWith("EXISTENCE")
            ? "IS NOT NULL"
            : `IS :: ${c.propertyType ? formatType(c.propertyType) : "ANY"}`;
    return new Map<string, CypherValue>([
      ["id", BigInt(c.id)],
      ["name", c.name],
      ["type", c.type],
      ["entityType", c.entity === "node" ? "NODE" : "RELATIONSHIP"],
      ["labelsOrTypes", [c.label]],
      ["properties", [...c.properties]],
      ["ownedIndex", c.ownedIndex ?? null],
      ["propertyType", c.propertyType ? formatType(c.propertyType) : null],
      ["options", null],
      ["createStatement", `CREATE CONSTRAINT \`${c.name}\` FOR ${target} REQUIRE ${req} ${rule}`],
    ]);
  });
}

const RuleJson = z.object({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  entity: z.enum(["node", "relationship"]),
  label: z.string(),
  properties: z.array(z.string()),
});
const SchemaJson = z.object({
  indexes: z.array(RuleJson.extend({ owningConstraint: z.string().optional() })),
  constraints: z.array(
    RuleJson.extend({ ownedIndex: z.string().optional(), propertyType: z.unknown().optional() }),
  ),
  nextId: z.number(),
});

/** A schema read back from a snapshot or commit log (it is stored as plain JSON). */
export function schemaFromJson(data: unknown): SchemaState {
  return SchemaJson.parse(data) as SchemaState;
}
