import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { CypherDatabase } from "./database";
import { CypherError } from "./errors";

/** Fixed seed in the suite (reproducible); set CYPHER_FUZZ_SEED=random (and CYPHER_FUZZ_RUNS) to explore. */
const seed =
  process.env.CYPHER_FUZZ_SEED === "random"
    ? {}
    : { seed: Number(process.env.CYPHER_FUZZ_SEED ?? 20261123) };

/** Random well-formed expressions: evaluation may fail, but only with CypherError. */
const literal = fc.oneof(
  fc.constantFrom(
    "null",
    "true",
    "false",
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "0.5",
    "-0.0",
    "1e308",
    "'abc'",
    "''",
    "[]",
    "{}",
    "[1, null, 'x']",
    "{a: 1, b: [2]}",
  ),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((d) => (Number.isInteger(d) ? `${d}.0` : String(d)).replace("e+", "e")),
  fc.string({ maxLength: 6 }).map((s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`),
  fc.constantFrom(
    "date('2020-02-29')",
    "datetime('2015-07-21T21:40:32.142+0100')",
    "duration('P1Y2M3DT4H')",
    "localtime('12:00')",
    "time('10:00+01:00')",
    "n",
    "r",
    "p",
  ),
);
const FUNCS = [
  "abs",
  "toString",
  "toInteger",
  "toFloat",
  "toBoolean",
  "size",
  "head",
  "last",
  "reverse",
  "keys",
  "labels",
  "type",
  "length",
  "nodes",
  "sqrt",
  "sign",
  "round",
  "ceil",
  "floor",
  "trim",
  "toUpper",
  "properties",
  "id",
  "exists",
  "isEmpty",
  "date",
  "datetime",
  "duration",
  "localtime",
];
const OPS = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "=",
  "<>",
  "<",
  ">=",
  "AND",
  "OR",
  "XOR",
  "IN",
  "STARTS WITH",
  "CONTAINS",
  "=~",
];

const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    literal,
    fc
      .tuple(tie("e"), fc.constantFrom(...OPS), tie("e"))
      .map(([a, op, b]) => `(${a as string} ${op} ${b as string})`),
    fc.tuple(fc.constantFrom(...FUNCS), tie("e")).map(([f, a]) => `${f}(${a as string})`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `${a as string}[${b as string}]`),
    tie("e").map((a) => `[x IN ${a as string} | x]`),
    tie("e").map((a) => `-${a as string}`),
    tie("e").map((a) => `NOT ${a as string}`),
    tie("e").map((a) => `(${a as string}).prop`),
    tie("e").map((a) => `CASE WHEN ${a as string} THEN 1 ELSE 2 END`),
  ),
})).e;

describe("evaluator fuzz", () => {
  it("never throws anything but CypherError", () => {
    const db = new CypherDatabase();
    db.run("CREATE p = (n:L {prop: 1})-[r:T {w: 2.5}]->(:M)");
    const outcome = { ok: 0, compile: 0, runtime: 0 };
    fc.assert(
      fc.property(expr, (e) => {
        try {
          db.run(`MATCH p = (n)-[r]->() RETURN ${e} AS v`, {}, { deadline: Date.now() + 2000 });
          outcome.ok++;
        } catch (err) {
          if (!(err instanceof CypherError) || err.detail === "InternalError") throw err;
          outcome[err.phase === "runtime" ? "runtime" : "compile"]++;
        }
      }),
      { numRuns: Number(process.env.CYPHER_FUZZ_RUNS ?? 6000), ...seed },
    );
    // the generator must reach evaluation, not only the parser
    expect(outcome.ok).toBeGreaterThan(300);
  });

  it("random clause pipelines never throw anything but CypherError", () => {
    const node = fc.constantFrom(
      "(a)",
      "(a:L)",
      "(b:M {prop: 1})",
      "(b)",
      "()",
      "(c:L:M)",
      "(a {prop: $p})",
    );
    const rel = fc.constantFrom(
      "-->",
      "<--",
      "--",
      "-[r:T]->",
      "-[r*1..2]-",
      "-[:T|U]->",
      "-[s {w: 2.5}]-",
      "-[*0..]->",
    );
    const pattern = fc.tuple(node, rel, node).map(([x, y, z]) => x + y + z);
    const e = fc.constantFrom(
      "a",
      "b",
      "a.prop",
      "b.prop + 1",
      "count(*)",
      "collect(a)",
      "size(collect(b))",
      "labels(a)",
      "r",
      "1",
      "null",
      "[1, 2]",
      "a = b",
    );
    const clause = fc.oneof(
      pattern.map((p) => `MATCH ${p}`),
      pattern.map((p) => `OPTIONAL MATCH ${p}`),
      fc.tuple(pattern, e).map(([p, x]) => `MATCH ${p} WHERE ${x} IS NOT NULL`),
      e.map((x) => `WITH *, ${x} AS w`),
      fc.constantFrom(
        "WITH DISTINCT a",
        "WITH a ORDER BY a.prop DESC LIMIT 2",
        "UNWIND [1, 2, null] AS u",
        "UNWIND $list AS u",
      ),
      pattern.map(
        (p) =>
          `CREATE ${p
            .replace(/\*[^\]]*|\|:U|--(?!>)/g, "->")
            .replace("<--", "<-[:T]-")
            .replace("-->", "-[:T]->")}`,
      ),
      pattern.map((p) => `MERGE ${p.replace(/\*[^\]]*|\|:U/g, "")}`),
      fc.constantFrom(
        "SET a.prop = 2",
        "SET a:X",
        "REMOVE a.prop",
        "SET a += {q: 1}",
        "DETACH DELETE a",
        "DELETE r",
        "SET a = b",
      ),
    );
    const ret = fc.constantFrom(
      "RETURN *",
      "RETURN count(*) AS c",
      "RETURN a, collect(b) AS bs ORDER BY a",
      "RETURN DISTINCT a.prop AS x SKIP 1",
      "",
    );
    const db = new CypherDatabase();
    db.run("CREATE (:L {prop: 1})-[:T {w: 2.5}]->(:M {prop: 1})<-[:U]-(:L:M)");
    let ok = 0;
    fc.assert(
      fc.property(fc.array(clause, { minLength: 1, maxLength: 4 }), ret, (cs, r) => {
        const q = [...cs, r].join(" ");
        try {
          const tx = db.beginTransaction();
          tx.run(q, { p: 1n, list: [1n, 2n] }, { deadline: Date.now() + 2000 });
          tx.rollback();
          ok++;
        } catch (err) {
          if (!(err instanceof CypherError) || err.detail === "InternalError") throw err;
        }
      }),
      { numRuns: Number(process.env.CYPHER_FUZZ_RUNS ?? 3000), ...seed },
    );
    if (process.env.CYPHER_FUZZ_RUNS) console.log(`clause fuzz: ${ok} pipelines ran to completion`);
    expect(ok).toBeGreaterThan(100);
  });
});
