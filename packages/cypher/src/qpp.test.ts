// Quantified path patterns (Neo4j 5.9), expectations worked out by hand from the Neo4j Cypher
// Manual's semantics: an iteration's last node is the next one's first, juxtaposed node patterns are
// the first/last node of the repetition, variables inside are group variables (lists outside), the
// inner WHERE filters every iteration, and a relationship is traversed at most once per MATCH.
import { describe, expect, it } from "vitest";
import { CypherDatabase } from "./database";
import { CypherError } from "./errors";
import { formatValue } from "./values";

const rows = (db: CypherDatabase, q: string): string[] =>
  db.run(q).rows.map((r) => r.map(formatValue).join(" | "));

/** (0:Start)-[w:1]->(1:Mid)-[w:2]->(2:Mid)-[w:3]->(3:End) */
function chain(): CypherDatabase {
  const db = new CypherDatabase();
  db.run(`CREATE (:Stop:Start {n: 0})-[:R {w: 1}]->(:Stop:Mid {n: 1})-[:R {w: 2}]->(:Stop:Mid {n: 2})
    -[:R {w: 3}]->(:Stop:End {n: 3})`);
  return db;
}

describe("quantified path patterns: repetition counts", () => {
  const db = chain();
  it("{1,3} matches every path of one to three iterations", () => {
    // paths of length 1, 2 and 3 along a chain of three relationships: 3 + 2 + 1
    expect(rows(db, "MATCH ((a)-[:R]->(b)){1,3} RETURN count(*)")).toEqual(["6"]);
    expect(rows(db, "MATCH ((a)-[:R]->(b)){1,2} RETURN count(*)")).toEqual(["5"]);
  });
  it("{2} is exactly two iterations; {,2} and {2,} are open on one side", () => {
    expect(rows(db, "MATCH (x) ((a)-[:R]->(b)){2} (y) RETURN x.n, y.n ORDER BY x.n")).toEqual([
      "0 | 2",
      "1 | 3",
    ]);
    expect(rows(db, "MATCH ((a)-[:R]->(b)){2,} RETURN count(*)")).toEqual(["3"]);
    // {,2}: zero iterations match each of the 4 nodes once, plus 3 + 2 paths
    expect(rows(db, "MATCH (x) ((a)-[:R]->(b)){,2} RETURN count(*)")).toEqual(["9"]);
  });
  it("+ is {1,} and * is {0,}", () => {
    expect(rows(db, "MATCH ((a)-[:R]->(b))+ RETURN count(*)")).toEqual(["6"]);
    expect(rows(db, "MATCH (x) ((a)-[:R]->(b))* RETURN count(*)")).toEqual(["10"]);
  });
  it("an iteration may span several hops", () => {
    expect(
      rows(db, "MATCH (x) ((a)-[:R]->(m)-[:R]->(b)){1,2} (y) RETURN x.n, y.n ORDER BY x.n"),
    ).toEqual(["0 | 2", "1 | 3"]);
  });
});

describe("quantified path patterns: juxtaposed nodes, group variables and paths", () => {
  const db = chain();
  it("juxtaposed node patterns with labels are the first and last node", () => {
    expect(rows(db, "MATCH (x:Start) ((a)-[:R]->(b)){1,3} (y:End) RETURN x.n, y.n")).toEqual([
      "0 | 3",
    ]);
    expect(rows(db, "MATCH (x:Start) ((a)-[:R]->(b)){1,2} (y:End) RETURN count(*)")).toEqual(["0"]);
    expect(rows(db, "MATCH (:Start) ((a)-[:R]->(b:Mid))+ (y) RETURN y.n ORDER BY y.n")).toEqual([
      "1",
      "2",
    ]);
  });
  it("variables inside are lists of each iteration's values, in path order", () => {
    expect(
      rows(
        db,
        "MATCH (:Start) ((a)-[r:R]->(b)){3} (:End) RETURN [x IN a | x.n], [x IN b | x.n], [x IN r | x.w], size(r)",
      ),
    ).toEqual(["[0, 1, 2] | [1, 2, 3] | [1, 2, 3] | 3"]);
  });
  it("keeps path order when the match starts from the right-hand node", () => {
    expect(
      rows(
        db,
        "MATCH (x) ((a)-[r:R]->(b)){1,3} (:End {n: 3}) RETURN x.n, [q IN r | q.w], [q IN a | q.n] ORDER BY x.n",
      ),
    ).toEqual(["0 | [1, 2, 3] | [0, 1, 2]", "1 | [2, 3] | [1, 2]", "2 | [3] | [2]"]);
  });
  it("zero iterations: the juxtaposed nodes are one node and the group variables are empty", () => {
    expect(
      rows(db, "MATCH (x:Start) ((a)-[r:R]->(b)){0,1} (y) RETURN y.n, size(r) ORDER BY y.n"),
    ).toEqual(["0 | 0", "1 | 1"]);
  });
  it("the path variable covers the whole path", () => {
    expect(
      rows(
        db,
        "MATCH p = (:Start) ((a)-[:R]->(b)){1,3} (y) RETURN length(p), [n IN nodes(p) | n.n] ORDER BY length(p)",
      ),
    ).toEqual(["1 | [0, 1]", "2 | [0, 1, 2]", "3 | [0, 1, 2, 3]"]);
    expect(
      rows(
        db,
        "MATCH p = (s:Start)-[:R]->(m) ((a)-[:R]->(b))+ RETURN length(p), m.n ORDER BY length(p)",
      ),
    ).toEqual(["2 | 1", "3 | 1"]);
  });
  it("OPTIONAL MATCH without a match sets the group variables to null", () => {
    expect(rows(db, "MATCH (e:End) OPTIONAL MATCH (e) ((a)-[r:R]->(b))+ RETURN e.n, a, r")).toEqual(
      ["3 | null | null"],
    );
  });
});

describe("quantified path patterns: predicates", () => {
  const db = chain();
  it("the inner WHERE filters every iteration", () => {
    expect(
      rows(
        db,
        "MATCH (x) ((a)-[r:R]->(b) WHERE r.w >= 2){1,3} (y) RETURN x.n, y.n ORDER BY x.n, y.n",
      ),
    ).toEqual(["1 | 2", "1 | 3", "2 | 3"]);
    // the first iteration from Start fails the predicate, so nothing starts there
    expect(
      rows(db, "MATCH (:Start) ((a)-[r:R]->(b) WHERE r.w > 1){1,3} (y) RETURN count(*)"),
    ).toEqual(["0"]);
  });
  it("the inner WHERE sees both inner nodes and variables bound before the MATCH", () => {
    expect(
      rows(
        db,
        "WITH 1 AS lo MATCH ((a)-[:R]->(b) WHERE a.n >= lo AND b.n < 3){1,2} RETURN count(*)",
      ),
    ).toEqual(["1"]);
  });
  it("WHERE inside the node and relationship patterns of the body, as in the manual's ((x)-[r]->(z WHERE z.p > x.p))", () => {
    expect(
      rows(db, "MATCH ((x)-[r]->(z WHERE z.n > x.n)){2,3} RETURN [n IN x | n.n] ORDER BY size(x)"),
    ).toEqual(["[0, 1]", "[1, 2]", "[0, 1, 2]"]);
    expect(
      rows(db, "MATCH (s) ((a)-[r:R WHERE r.w <> 2]->(b))+ RETURN s.n, size(r) ORDER BY s.n"),
    ).toEqual(["0 | 1", "2 | 1"]);
  });
  it("label expressions and property maps inside", () => {
    expect(rows(db, "MATCH ((a:Mid)-[:R {w: 2}]->(b:Mid|End))+ RETURN [x IN b | x.n]")).toEqual([
      "[2]",
    ]);
    expect(rows(db, "MATCH ((a:!End)-[:R]->(b:!Start))+ RETURN count(*)")).toEqual(["6"]);
  });
});

describe("quantified path patterns: trail semantics", () => {
  /** two stations linked both ways: c1 -T-> c2 -T-> c1 */
  const cycle = (): CypherDatabase => {
    const db = new CypherDatabase();
    db.run("CREATE (c1:C {n: 'c1'})-[:T]->(c2:C {n: 'c2'})-[:T]->(c1)");
    return db;
  };
  it("an unbounded repetition ends when every relationship is used once", () => {
    expect(
      rows(cycle(), "MATCH ({n: 'c1'}) ((a)-[:T]->(b))+ (y) RETURN y.n, size(a) ORDER BY size(a)"),
    ).toEqual(["'c2' | 1", "'c1' | 2"]);
  });
  it("a relationship bound elsewhere in the same MATCH is not traversed again", () => {
    // without uniqueness each start would also reach a second, longer path back over t
    expect(
      rows(
        cycle(),
        "MATCH (x)-[t:T]->(y), (y) ((a)-[:T]->(b)){1,2} (z) RETURN x.n, z.n, size(a) ORDER BY x.n",
      ),
    ).toEqual(["'c1' | 'c1' | 1", "'c2' | 'c2' | 1"]);
  });
});

describe("quantified path patterns: SHORTEST, limits and errors", () => {
  it("SHORTEST k and ALL SHORTEST select among the matches per pair of end nodes", () => {
    const db = chain();
    db.run("MATCH (s:Start), (e:End) CREATE (s)-[:R {w: 10}]->(e)");
    expect(
      rows(db, "MATCH p = SHORTEST 1 (:Start) ((a)-[:R]->(b)){1,5} (:End) RETURN length(p)"),
    ).toEqual(["1"]);
    expect(
      rows(
        db,
        "MATCH p = SHORTEST 2 (:Start) ((a)-[r:R]->(b)){1,5} (:End) RETURN length(p), [x IN r | x.w] ORDER BY length(p)",
      ),
    ).toEqual(["1 | [10]", "3 | [1, 2, 3]"]);
    expect(
      rows(db, "MATCH p = ALL SHORTEST (:Start) ((a)-[:R]->(b))+ (:End) RETURN count(*)"),
    ).toEqual(["1"]);
    expect(() => db.run("MATCH p = shortestPath((:Start) ((a)-->(b))+ (:End)) RETURN p")).toThrow(
      /write SHORTEST 1/,
    );
  });
  it("stops at the deadline", () => {
    // a complete directed graph of 8 nodes has far too many trails to list in 50 ms
    const db = new CypherDatabase();
    db.run("UNWIND range(1, 8) AS i CREATE (:K {i: i})");
    db.run("MATCH (a:K), (b:K) WHERE a <> b CREATE (a)-[:E]->(b)");
    let error: unknown;
    try {
      db.run("MATCH ((a)-[:E]->(b))+ RETURN count(*)", {}, { deadline: Date.now() + 50 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CypherError);
    expect((error as CypherError).detail).toBe("Timeout");
  });
  it("EXPLAIN shows the repetition", () => {
    const plan = JSON.stringify(
      chain().run("EXPLAIN MATCH (x:Start) ((a)-[r:R]->(b)){1,3} (y) RETURN y").plan,
    );
    expect(plan).toContain("Repeat(Trail)");
    expect(plan).toContain("(x) ((a)-[r:R]->(b)){1,3} (y)");
  });
  it("a prepared query gives the same answer on every run", () => {
    const db = chain();
    const q = "MATCH p = SHORTEST 1 (:Start) ((a)-[:R]->(b))+ (y:End) RETURN length(p), size(a)";
    expect(rows(db, q)).toEqual(["3 | 3"]);
    expect(rows(db, q)).toEqual(["3 | 3"]);
  });
  it.each([
    ["MATCH ((a)-[:R]->(b)){3,1} RETURN 1", /lower bound 3 is greater than upper bound 1/],
    ["MATCH ((a)-[:R]->(b)){} RETURN 1", /Invalid quantifier \{\}: write \{n\}, \{m,n\}/],
    ["MATCH ((a)-[:R]->(b)){0} RETURN 1", /upper bound must be at least 1/],
    ["MATCH ((a)-[:R]->(b)){1 RETURN 1", /Invalid quantifier/],
    ["MATCH ((a)-[:R]->(b)){x} RETURN 1", /Invalid quantifier/],
    ["MATCH (x) ((a)-[:R]->(b)) (y) RETURN 1", /needs a quantifier/],
    ["MATCH ((a)-[:R]->(b)){0,3} RETURN 1", /lower bound 0 could match nothing/],
    ["MATCH ((a)-[:R]->(b))* RETURN 1", /lower bound 0 could match nothing/],
    ["MATCH ((a)-[:R]->(b))+-[:R]->(c) RETURN 1", /needs a node pattern before it/],
    ["MATCH (n WHERE n.n > 1) RETURN 1", /inside quantified path patterns only/],
    ["MATCH ((a)){1,3} RETURN 1", /at least one relationship/],
    ["MATCH ((a)-[:R*1..2]->(b)){1,3} RETURN 1", /cannot contain a variable-length/],
    ["MATCH (a) MATCH ((a)-[:R]->(b)){1,3} RETURN 1", /must be new/],
    ["MATCH (a) ((a)-[:R]->(b)){1,3} RETURN 1", /must be new/],
    ["CREATE ((a)-[:R]->(b)){2}", /cannot be used in CREATE/],
  ])("rejects %s", (q, message) => {
    let error: unknown;
    try {
      chain().run(q);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CypherError);
    expect((error as CypherError).type).toBe("SyntaxError");
    expect((error as CypherError).message).toMatch(message);
  });
});
