// Neo4j 5 syntax, with expectations taken from the Neo4j Cypher Manual's examples and rules.
import { describe, expect, it } from "vitest";
import { CypherDatabase } from "./database";
import { formatValue } from "./values";

const rows = (db: CypherDatabase, q: string): string[] =>
  db.run(q).rows.map((r) => r.map(formatValue).join(" | "));

function people(): CypherDatabase {
  const db = new CypherDatabase();
  db.run(`CREATE (andy:Swedish:Person {name: 'Andy', age: 36}), (timothy:Person {name: 'Timothy', age: 25}),
    (peter:Person {name: 'Peter', age: 35}), (dog:Dog {name: 'Andy'}), (toy:Toy {name: 'Banana'}), (:Thing),
    (andy)-[:HAS_DOG {since: 2016}]->(dog), (dog)-[:HAS_TOY]->(toy), (timothy)-[:KNOWS]->(andy), (peter)-[:KNOWS]->(timothy)`);
  return db;
}

describe("subquery expressions (EXISTS, COUNT, COLLECT)", () => {
  const db = people();
  it("EXISTS { pattern } and EXISTS { full query }", () => {
    expect(
      rows(db, "MATCH (p:Person) WHERE EXISTS { (p)-[:HAS_DOG]->(:Dog) } RETURN p.name"),
    ).toEqual(["'Andy'"]);
    expect(
      rows(
        db,
        "MATCH (p:Person) WHERE EXISTS { MATCH (p)-[:HAS_DOG]->(d:Dog) WHERE p.name = d.name } RETURN p.name",
      ),
    ).toEqual(["'Andy'"]);
    expect(
      rows(db, "MATCH (p:Person) WHERE NOT EXISTS { MATCH (p)<-[:KNOWS]-() } RETURN p.name"),
    ).toEqual(["'Peter'"]);
  });
  it("COUNT { … } counts the subquery's rows, in WHERE and in RETURN", () => {
    expect(rows(db, "MATCH (p:Person) WHERE COUNT { (p)-[:KNOWS]-() } > 1 RETURN p.name")).toEqual([
      "'Timothy'",
    ]);
    expect(
      rows(
        db,
        "MATCH (p:Person) RETURN p.name, COUNT { MATCH (p)-[:KNOWS]-() RETURN 1 } AS n ORDER BY p.name",
      ),
    ).toEqual(["'Andy' | 1", "'Peter' | 1", "'Timothy' | 2"]);
  });
  it("COLLECT { … RETURN one column } is a list; zero rows give an empty list", () => {
    expect(
      rows(
        db,
        "MATCH (p:Person {name: 'Andy'}) RETURN COLLECT { MATCH (p)-[:HAS_DOG]->(d) RETURN d.name } AS dogs",
      ),
    ).toEqual(["['Andy']"]);
    expect(
      rows(
        db,
        "MATCH (p:Person {name: 'Peter'}) RETURN COLLECT { MATCH (p)-[:HAS_DOG]->(d) RETURN d.name } AS dogs",
      ),
    ).toEqual(["[]"]);
    expect(() => db.run("RETURN COLLECT { MATCH (n) RETURN n.name, n.age } AS x")).toThrow(
      /exactly one column/,
    );
    expect(() => db.run("RETURN COLLECT { CREATE (n) RETURN n } AS x")).toThrow(/updating clauses/);
  });
});

describe("CALL subqueries", () => {
  it("CALL (x) { … } imports only what it names; CALL () { … } imports nothing", () => {
    const db = people();
    expect(
      rows(
        db,
        "MATCH (p:Person) CALL (p) { MATCH (p)-[:KNOWS]->(f) RETURN f.name AS friend } RETURN p.name, friend ORDER BY p.name",
      ),
    ).toEqual(["'Peter' | 'Timothy'", "'Timothy' | 'Andy'"]);
    expect(() =>
      db.run("MATCH (p:Person), (d:Dog) CALL (p) { RETURN d.name AS x } RETURN x"),
    ).toThrow(/Variable `d` not defined/);
    expect(
      rows(db, "UNWIND [1, 2] AS x CALL () { MATCH (d:Dog) RETURN d.name AS dog } RETURN x, dog"),
    ).toEqual(["1 | 'Andy'", "2 | 'Andy'"]);
  });
  it("a unit subquery keeps each outer row once; OPTIONAL CALL keeps rows the subquery drops", () => {
    const db = people();
    expect(
      rows(
        db,
        "UNWIND [1, 2] AS x CALL (x) { MATCH (p:Person) CREATE (:Log {x: x}) } RETURN count(*) AS c",
      ),
    ).toEqual(["2"]);
    expect(rows(db, "MATCH (l:Log) RETURN count(l)")).toEqual(["6"]);
    expect(
      rows(
        db,
        "MATCH (p:Person) OPTIONAL CALL (p) { MATCH (p)-[:HAS_DOG]->(d) RETURN d.name AS dog } RETURN p.name, dog ORDER BY p.name",
      ),
    ).toEqual(["'Andy' | 'Andy'", "'Peter' | null", "'Timothy' | null"]);
  });
  it("rejects IN TRANSACTIONS with a message naming the construct and version", () => {
    const db = new CypherDatabase();
    expect(() =>
      db.run("UNWIND range(1, 3) AS i CALL (i) { CREATE (:N {i: i}) } IN TRANSACTIONS OF 2 ROWS"),
    ).toThrow(/CALL \{ … \} IN TRANSACTIONS \(Neo4j 4\.4\) is not supported/);
    expect(rows(db, "MATCH (n) RETURN count(n)")).toEqual(["0"]);
  });
});

describe("IS [NOT] NULL and type predicates (IS :: TYPE)", () => {
  const db = new CypherDatabase();
  it("IS NULL works in any expression position", () => {
    expect(
      rows(
        db,
        "WITH {a: null} AS m RETURN m.a IS NULL AS a, m.b IS NOT NULL AS b, [x IN [1, null] WHERE x IS NOT NULL] AS l, CASE WHEN m.a IS NULL THEN 'none' END AS c",
      ),
    ).toEqual(["true | false | [1] | 'none'"]);
  });
  it("matches values against types, synonyms, unions, lists and NOT NULL", () => {
    expect(
      rows(
        db,
        "RETURN 1 IS :: INTEGER, 1.0 IS :: INTEGER, 'a' IS :: STRING, true IS :: BOOL, 1 IS NOT :: STRING",
      ),
    ).toEqual(["true | false | true | true | true"]);
    // every type contains null unless it is NOT NULL (or NOTHING)
    expect(
      rows(
        db,
        "RETURN null IS :: INTEGER, null IS :: INTEGER NOT NULL, null IS :: NOTHING, null IS :: NULL",
      ),
    ).toEqual(["true | false | false | true"]);
    expect(
      rows(
        db,
        "RETURN 1.5 IS :: INTEGER | FLOAT, 1.5 IS :: ANY<INTEGER | STRING>, [1, 2] IS :: LIST<INTEGER>, [1, 'a'] IS :: LIST<INTEGER>, [] IS :: LIST<STRING>",
      ),
    ).toEqual(["true | false | true | false | true"]);
    expect(
      rows(
        db,
        "RETURN date() IS :: DATE, datetime() IS :: ZONED DATETIME, localdatetime() IS :: TIMESTAMP WITHOUT TIME ZONE, {a: 1} IS :: MAP, [1] IS :: PROPERTY VALUE, {a: 1} IS :: PROPERTY VALUE",
      ),
    ).toEqual(["true | true | true | true | true | false"]);
    expect(rows(db, "UNWIND [1, 'x', 2.0] AS v RETURN v :: INTEGER AS i")).toEqual([
      "true",
      "false",
      "false",
    ]);
  });
});

describe("label expressions", () => {
  const db = people();
  it("in node patterns: |, &, !, % and parentheses", () => {
    expect(rows(db, "MATCH (n:Dog|Toy) RETURN n.name ORDER BY n.name")).toEqual([
      "'Andy'",
      "'Banana'",
    ]);
    expect(rows(db, "MATCH (n:Person&Swedish) RETURN n.name")).toEqual(["'Andy'"]);
    expect(rows(db, "MATCH (n:Person&!Swedish) RETURN n.name ORDER BY n.name")).toEqual([
      "'Peter'",
      "'Timothy'",
    ]);
    expect(rows(db, "MATCH (n:!Person) RETURN count(n)")).toEqual(["3"]);
    expect(rows(db, "MATCH (n:!%) RETURN count(n)")).toEqual(["0"]);
    expect(rows(db, "MATCH (n:(Dog|Toy)&!Thing) RETURN count(n)")).toEqual(["2"]);
  });
  it("in WHERE and RETURN, and on relationship types", () => {
    expect(rows(db, "MATCH (n) WHERE n:Dog|Toy RETURN count(n)")).toEqual(["2"]);
    expect(
      rows(db, "MATCH (n:Person) RETURN n.name, n:Swedish&Person AS s ORDER BY n.name"),
    ).toEqual(["'Andy' | true", "'Peter' | false", "'Timothy' | false"]);
    expect(rows(db, "MATCH ()-[r:!KNOWS]->() RETURN type(r) ORDER BY type(r)")).toEqual([
      "'HAS_DOG'",
      "'HAS_TOY'",
    ]);
    // inside a list comprehension `|` starts the projection
    expect(
      rows(
        db,
        "MATCH (n:Person) WITH collect(n) AS ns RETURN [x IN ns WHERE x:Swedish | x.name] AS l",
      ),
    ).toEqual(["['Andy']"]);
  });
  it("CREATE takes a conjunction but not alternatives or negations", () => {
    const g = new CypherDatabase();
    expect(rows(g, "CREATE (n:A&B) RETURN labels(n)")).toEqual(["['A', 'B']"]);
    expect(() => g.run("CREATE (n:A|B)")).toThrow(/cannot be used in CREATE/);
    expect(() => g.run("CREATE (n:!A)")).toThrow(/cannot be used in CREATE/);
  });
});

describe("quantified relationships, SHORTEST and path patterns", () => {
  const chain = (): CypherDatabase => {
    const db = new CypherDatabase();
    db.run(
      "CREATE (a:S {n: 0})-[:R]->(:X {n: 1})-[:R]->(:X {n: 2})-[:R]->(:E {n: 3}), (a)-[:R]->(:X {n: 9})-[:R]->(:X {n: 10})-[:R]->(:X {n: 11})-[:R]->(:E {n: 12})",
    );
    return db;
  };
  it("-[:R]->{m,n}, + and * mean the same as *m..n, *1.. and *0..", () => {
    const db = chain();
    expect(rows(db, "MATCH (:S)-[:R]->{2,3}(x) RETURN x.n ORDER BY x.n")).toEqual([
      "2",
      "3",
      "10",
      "11",
    ]);
    expect(rows(db, "MATCH (:S)-[:R]->+(x:E) RETURN x.n ORDER BY x.n")).toEqual(["3", "12"]);
    expect(rows(db, "MATCH (s:S)-[:R]->*(x) WHERE x = s RETURN count(*)")).toEqual(["1"]);
    expect(rows(db, "MATCH (:S)-[rs:R]->{3}(x:E) RETURN size(rs)")).toEqual(["3"]);
  });
  it("SHORTEST k returns up to k paths per end node in order of length; ALL SHORTEST every shortest one", () => {
    const db = chain();
    db.run("MATCH (s:S), (e:E {n: 12}) CREATE (s)-[:R]->(:X)-[:R]->(e)");
    expect(rows(db, "MATCH p = SHORTEST 1 (:S)-[:R]->+(e:E {n: 12}) RETURN length(p)")).toEqual([
      "2",
    ]);
    expect(
      rows(
        db,
        "MATCH p = SHORTEST 2 (:S)-[:R]->+(e:E {n: 12}) RETURN length(p) ORDER BY length(p)",
      ),
    ).toEqual(["2", "4"]);
    expect(
      rows(db, "MATCH p = ALL SHORTEST (:S)-[:R]->+(e:E) RETURN e.n, length(p) ORDER BY e.n"),
    ).toEqual(["3 | 3", "12 | 2"]);
    expect(rows(db, "MATCH p = ANY (:S)-[:R]->+(e:E {n: 3}) RETURN length(p)")).toEqual(["3"]);
  });
  it("names unsupported Neo4j syntax and its version", () => {
    const db = chain();
    expect(() => db.run("MATCH p = SHORTEST 2 GROUPS (:S)-[:R]->+(e:E) RETURN p")).toThrow(
      /SHORTEST k GROUPS with k > 1 \(Neo4j 5\.21\)/,
    );
    expect(() => db.run("RETURN 'a' IS NORMALIZED")).toThrow(/IS NORMALIZED \(Neo4j 5\.17\)/);
    expect(() => db.run("SHOW PROCEDURES")).toThrow(/SHOW PROCEDURES \(Neo4j 5\.0\)/);
  });
});
