import { describe, expect, it } from "vitest";
import { CypherDatabase } from "./database";
import { formatValue } from "./values";

const rows = (db: CypherDatabase, q: string): string[] =>
  db.run(q).rows.map((r) => r.map(formatValue).join(" | "));

describe("indexes", () => {
  it("CREATE INDEX … FOR (n:L) ON (n.p), SHOW INDEXES, DROP INDEX, IF [NOT] EXISTS", () => {
    const db = new CypherDatabase();
    db.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)");
    db.run("CREATE TEXT INDEX IF NOT EXISTS FOR (m:Movie) ON (m.title)");
    expect(
      rows(db, "SHOW INDEXES YIELD name, type, labelsOrTypes, properties ORDER BY name"),
    ).toEqual([
      expect.stringMatching(
        /^'index_[0-9a-f]{8}' \| 'TEXT' \| \['Movie'\] \| \['title'\]$/,
      ) as unknown as string,
      "'person_name' | 'RANGE' | ['Person'] | ['name']",
    ]);
    expect(db.run("SHOW INDEXES").columns).toEqual([
      "id",
      "name",
      "state",
      "populationPercent",
      "type",
      "entityType",
      "labelsOrTypes",
      "properties",
      "indexProvider",
      "owningConstraint",
      "lastRead",
      "readCount",
    ]);
    expect(rows(db, "SHOW RANGE INDEXES WHERE name STARTS WITH 'person' RETURN name")).toEqual([
      "'person_name'",
    ]);
    expect(() => db.run("CREATE INDEX person_name2 FOR (p:Person) ON (p.name)")).toThrow(
      /equivalent index already exists, 'person_name'/,
    );
    db.run("CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)");
    db.run("DROP INDEX person_name");
    expect(() => db.run("DROP INDEX person_name")).toThrow(/no such index/);
    db.run("DROP INDEX person_name IF EXISTS");
    expect(rows(db, "SHOW INDEXES YIELD name RETURN count(*) AS n")).toEqual(["1"]);
  });
  it("a schema command in a rolled-back transaction leaves no index behind", () => {
    const db = new CypherDatabase();
    const tx = db.beginTransaction();
    tx.run("CREATE INDEX i FOR (n:N) ON (n.x)");
    expect(tx.run("SHOW INDEXES YIELD name").rows).toEqual([["i"]]);
    tx.rollback();
    expect(db.run("SHOW INDEXES").rows).toEqual([]);
  });
  it("explains the syntax Neo4j 5 removed", () => {
    const db = new CypherDatabase();
    expect(() => db.run("CREATE INDEX ON :Person(name)")).toThrow(
      /removed in Neo4j 5; write CREATE INDEX FOR \(n:Label\) ON \(n\.property\)/,
    );
    expect(() => db.run("CREATE CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE")).toThrow(
      /removed in Neo4j 5/,
    );
    expect(() => db.run("CREATE FULLTEXT INDEX f FOR (n:A) ON EACH [n.x]")).toThrow(
      /FULLTEXT indexes \(Neo4j 5\.0\) is not supported/,
    );
  });
});

describe("constraints", () => {
  it("IS UNIQUE is enforced on CREATE, SET, MERGE and label changes", () => {
    const db = new CypherDatabase();
    db.run("CREATE CONSTRAINT person_name FOR (p:Person) REQUIRE p.name IS UNIQUE");
    db.run("CREATE (:Person {name: 'Ann'}), (:Person {name: 'Bob'}), (:Robot {name: 'Ann'})");
    expect(() => db.run("CREATE (:Person {name: 'Ann'})")).toThrow(
      /already exists with label `Person` and property `name` = 'Ann'/,
    );
    expect(() => db.run("MATCH (p:Person {name: 'Bob'}) SET p.name = 'Ann'")).toThrow(
      /already exists/,
    );
    expect(() => db.run("MATCH (r:Robot) SET r:Person")).toThrow(/already exists/);
    // the failed statements wrote nothing
    expect(rows(db, "MATCH (p:Person) RETURN p.name ORDER BY p.name")).toEqual(["'Ann'", "'Bob'"]);
    db.run("MERGE (:Person {name: 'Ann'})");
    expect(rows(db, "MATCH (p:Person) RETURN count(p)")).toEqual(["2"]);
    expect(rows(db, "SHOW CONSTRAINTS YIELD name, type, ownedIndex")).toEqual([
      "'person_name' | 'UNIQUENESS' | 'person_name'",
    ]);
    expect(rows(db, "SHOW INDEXES YIELD name, owningConstraint")).toEqual([
      "'person_name' | 'person_name'",
    ]);
    expect(() => db.run("DROP INDEX person_name")).toThrow(/belongs to constraint/);
    db.run("DROP CONSTRAINT person_name");
    db.run("CREATE (:Person {name: 'Ann'})");
    expect(rows(db, "MATCH (p:Person {name: 'Ann'}) RETURN count(p)")).toEqual(["2"]);
  });
  it("cannot be created over data that breaks it", () => {
    const db = new CypherDatabase();
    db.run("CREATE (:User {email: 'a@x'}), (:User {email: 'a@x'})");
    expect(() => db.run("CREATE CONSTRAINT FOR (u:User) REQUIRE u.email IS UNIQUE")).toThrow(
      /Unable to create Constraint.*already exists/,
    );
    expect(db.run("SHOW CONSTRAINTS").rows).toEqual([]);
  });
  it("NOT NULL, NODE KEY and type constraints", () => {
    const db = new CypherDatabase();
    db.run("CREATE CONSTRAINT FOR (b:Book) REQUIRE b.isbn IS NOT NULL");
    db.run("CREATE CONSTRAINT FOR (b:Book) REQUIRE b.year IS :: INTEGER");
    db.run("CREATE CONSTRAINT key FOR (a:Author) REQUIRE (a.first, a.last) IS NODE KEY");
    expect(() => db.run("CREATE (:Book {title: 'x'})")).toThrow(/must have the property `isbn`/);
    expect(() => db.run("CREATE (:Book {isbn: '1', year: '1999'})")).toThrow(
      /of a type other than INTEGER/,
    );
    db.run("CREATE (:Book {isbn: '1', year: 1999}), (:Author {first: 'A', last: 'B'})");
    expect(() => db.run("CREATE (:Author {first: 'A', last: 'B'})")).toThrow(/already exists/);
    expect(() => db.run("MATCH (a:Author) REMOVE a.last")).toThrow(/must have the property `last`/);
  });
});

describe("schema persistence", () => {
  it("survives a snapshot and travels in a commit's delta", async () => {
    const { deltaFromJson, deltaToJson } = await import("./snapshot");
    const db = new CypherDatabase();
    db.run("CREATE CONSTRAINT u FOR (p:P) REQUIRE p.k IS UNIQUE");
    const copy = CypherDatabase.fromSnapshot(JSON.parse(JSON.stringify(db.toSnapshot())));
    db.run("CREATE (:P {k: 1})");
    copy.run("CREATE (:P {k: 1})");
    expect(() => copy.run("CREATE (:P {k: 1})")).toThrow(/already exists/);
    // as an engine worker runs a statement: in place on a journaled graph
    const { executePrepared, prepareQuery } = await import("./engine");
    const g = copy.graph;
    g.beginJournal();
    executePrepared(
      prepareQuery("CREATE INDEX j FOR (n:Q) ON (n.x)"),
      { graph: g, procedures: copy.procedures },
      new Map(),
    );
    const delta = deltaFromJson(JSON.parse(JSON.stringify(deltaToJson(g.journalDelta()))));
    g.commitJournal();
    db.graph.applyDelta(delta);
    expect(rows(db, "SHOW INDEXES YIELD name ORDER BY name")).toEqual(["'j'", "'u'"]);
  });
});
