import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import type { CypherValue } from "../values";
import { isNode, isRelationship, formatValue } from "../values";
import { valueKey } from "../value-key";
import { parseFeature, type Scenario } from "./gherkin";
import { parseExpected, expectedToValue, matches, bagMatch } from "./tck-values";
import type { TckExecutor, TckRunResult } from "./executor";

export interface ScenarioResult {
  file: string;
  folder: string;
  name: string;
  status: "passed" | "failed" | "skipped";
  message?: string;
}

interface GraphState {
  nodes: Set<string>;
  rels: Set<string>;
  labels: Set<string>;
  props: Set<string>;
}

async function graphState(ex: TckExecutor): Promise<GraphState> {
  const st: GraphState = { nodes: new Set(), rels: new Set(), labels: new Set(), props: new Set() };
  const n = await ex.run("MATCH (n) RETURN n", {});
  if ("error" in n) throw new Error("control query failed: " + n.error.message);
  for (const [v] of n.rows) {
    if (!v || !isNode(v)) continue;
    st.nodes.add(v.id.toString());
    for (const l of v.labels) st.labels.add(l);
    for (const [k, x] of v.properties) st.props.add(`n${v.id}.${k}=${valueKey(x)}`);
  }
  const r = await ex.run("MATCH ()-[r]->() RETURN r", {});
  if ("error" in r) throw new Error("control query failed: " + r.error.message);
  for (const [v] of r.rows) {
    if (!v || !isRelationship(v)) continue;
    st.rels.add(v.id.toString());
    for (const [k, x] of v.properties) st.props.add(`r${v.id}.${k}=${valueKey(x)}`);
  }
  return st;
}

const diff = (a: Set<string>, b: Set<string>): number => [...b].filter((x) => !a.has(x)).length;

function sideEffects(before: GraphState, after: GraphState): Record<string, number> {
  return {
    "+nodes": diff(before.nodes, after.nodes),
    "-nodes": diff(after.nodes, before.nodes),
    "+relationships": diff(before.rels, after.rels),
    "-relationships": diff(after.rels, before.rels),
    "+labels": diff(before.labels, after.labels),
    "-labels": diff(after.labels, before.labels),
    "+properties": diff(before.props, after.props),
    "-properties": diff(after.props, before.props),
  };
}

class Fail extends Error {}

function formatRows(r: { columns: string[]; rows: CypherValue[][] }): string {
  return [r.columns.join(" | "), ...r.rows.map((row) => row.map(formatValue).join(" | "))].join(
    "\n      ",
  );
}

export async function runScenario(sc: Scenario, ex: TckExecutor, graphsDir: string): Promise<void> {
  let params: Record<string, CypherValue> = {};
  let last: TckRunResult | undefined;
  let before: GraphState | undefined;
  let after: GraphState | undefined;
  let lastQuery = "";
  await ex.reset();
  for (const step of sc.steps) {
    const t = step.text;
    if (t === "an empty graph" || t === "any graph") continue;
    let m = /^the (\S+) graph$/.exec(t);
    if (m) {
      const file = join(graphsDir, m[1]!, `${m[1]}.cypher`);
      const r = await ex.run(readFileSync(file, "utf8"), {});
      if ("error" in r) throw new Fail(`loading graph ${m[1]} failed: ${r.error.message}`);
      continue;
    }
    if (t.startsWith("having executed")) {
      const r = await ex.run(step.docString ?? "", params);
      if ("error" in r)
        throw new Fail(`setup query failed: ${r.error.message}\n      ${step.docString}`);
      continue;
    }
    if (t.startsWith("parameters are")) {
      params = { ...params };
      for (const row of step.table ?? []) params[row[0]!] = expectedToValue(parseExpected(row[1]!));
      continue;
    }
    m = /^there exists a procedure (.+):$/.exec(t);
    if (m) {
      const [header, ...rows] = step.table ?? [[]];
      await ex.registerProcedure(m[1]!, {
        columns: header ?? [],
        rows: rows.map((r) => r.map((c) => expectedToValue(parseExpected(c)))),
      });
      continue;
    }
    if (t.startsWith("executing query") || t.startsWith("executing control query")) {
      const control = t.startsWith("executing control query");
      lastQuery = step.docString ?? "";
      if (!control) before = await graphState(ex);
      last = await ex.run(lastQuery, params);
      if (!control) after = await graphState(ex);
      continue;
    }
    if (!last) throw new Fail(`step before any query: ${t}`);
    const ctxMsg = `\n    query:\n      ${lastQuery.split("\n").join("\n      ")}`;
    m = /^an? (\w+) should be raised at (.+): (\w+|\*)$/.exec(t);
    if (m) {
      if (!("error" in last))
        throw new Fail(
          `expected ${m[1]} (${m[3]}) but the query succeeded:\n      ${formatRows(last)}${ctxMsg}`,
        );
      const e = last.error;
      const phaseOk = m[2] === "any time" || e.phase === undefined || e.phase === m[2];
      if (e.type !== m[1] || (m[3] !== "*" && e.detail !== m[3]) || !phaseOk)
        throw new Fail(
          `expected ${m[1]} at ${m[2]}: ${m[3]}, got ${e.type} at ${e.phase}: ${e.detail} (${e.message})${ctxMsg}`,
        );
      continue;
    }
    if ("error" in last)
      throw new Fail(
        `query failed: ${last.error.type ?? ""} ${last.error.detail ?? ""} ${last.error.message}${ctxMsg}`,
      );
    if (t === "the result should be empty") {
      if (last.rows.length !== 0)
        throw new Fail(`expected no rows, got:\n      ${formatRows(last)}${ctxMsg}`);
      continue;
    }
    m =
      /^the result should be(?:, in (any order|order)| \(ignoring element order for lists\)):$/.exec(
        t,
      );
    if (m) {
      const [header, ...rows] = step.table ?? [[]];
      const cols = header ?? [];
      const ordered = m[1] === "order";
      const unorderedLists = m[1] === undefined;
      const res = last;
      const sameCols =
        cols.length === res.columns.length && cols.every((c) => res.columns.includes(c));
      if (!sameCols)
        throw new Fail(
          `columns ${JSON.stringify(last.columns)} != expected ${JSON.stringify(cols)}${ctxMsg}`,
        );
      const expected = rows.map((r) => r.map((c) => parseExpected(c)));
      const idx = cols.map((c) => res.columns.indexOf(c));
      const actual = last.rows.map((r) => idx.map((i) => r[i] ?? null));
      const rowEq = (a: CypherValue[], e: ReturnType<typeof parseExpected>[]): boolean =>
        a.every((v, i) => matches(v, e[i]!, unorderedLists));
      const ok = ordered
        ? actual.length === expected.length && actual.every((a, i) => rowEq(a, expected[i]!))
        : bagMatch(actual, expected, rowEq);
      if (!ok)
        throw new Fail(
          `result mismatch; got:\n      ${formatRows({ columns: cols, rows: actual })}\n    expected:\n      ${[cols, ...rows].map((r) => r.join(" | ")).join("\n      ")}${ctxMsg}`,
        );
      continue;
    }
    if (t === "no side effects" || t.startsWith("the side effects should be")) {
      if (!before || !after) throw new Fail("no graph state recorded");
      const got = sideEffects(before, after);
      const want: Record<string, number> = {};
      for (const k of Object.keys(got)) want[k] = 0;
      for (const row of step.table ?? []) want[row[0]!] = Number(row[1]);
      const bad = Object.keys(want).filter((k) => want[k] !== got[k]);
      if (bad.length)
        throw new Fail(
          `side effects: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}${ctxMsg}`,
        );
      continue;
    }
    throw new Fail(`unsupported step: ${step.keyword} ${t}`);
  }
}

export function listFeatureFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(".feature")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function graphsDirFor(featuresDir: string): string {
  const candidates = [
    join(featuresDir, "..", "graphs"),
    join(dirname(featuresDir), "graphs"),
    join(featuresDir, "graphs"),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

export async function runFeatures(
  dir: string,
  ex: TckExecutor,
  onProgress?: (done: number, total: number, passed: number) => void,
): Promise<ScenarioResult[]> {
  const graphs = graphsDirFor(dir);
  const all: { file: string; sc: Scenario }[] = [];
  for (const f of listFeatureFiles(dir))
    for (const sc of parseFeature(readFileSync(f, "utf8"))) all.push({ file: f, sc });
  const results: ScenarioResult[] = [];
  let passed = 0;
  for (const { file, sc } of all) {
    const rel = relative(dir, file);
    const folder = dirname(rel);
    const base = { file: rel, folder, name: `${sc.feature} / ${sc.name}` };
    if (sc.tags.includes("@ignore")) {
      results.push({ ...base, status: "skipped" });
    } else {
      try {
        await runScenario(sc, ex, graphs);
        results.push({ ...base, status: "passed" });
        passed++;
      } catch (e) {
        results.push({
          ...base,
          status: "failed",
          message: e instanceof Error ? e.message : String(e),
        });
      }
    }
    onProgress?.(results.length, all.length, passed);
  }
  return results;
}

export function folderTable(
  results: ScenarioResult[],
): { folder: string; passed: number; failed: number; skipped: number; total: number }[] {
  const m = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const r of results) {
    const e = m.get(r.folder) ?? { passed: 0, failed: 0, skipped: 0 };
    e[r.status]++;
    m.set(r.folder, e);
  }
  return [...m]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([folder, e]) => ({ folder, ...e, total: e.passed + e.failed + e.skipped }));
}
