import type { CypherValue } from "../values";
import {
  makeMap,
  isMap,
  isNode,
  isRelationship,
  isPath,
  isTemporal,
  formatTemporal,
} from "../values";

/** Expected values as written in TCK tables. */
export type Expected =
  | { k: "null" }
  | { k: "bool"; v: boolean }
  | { k: "int"; v: bigint }
  | { k: "float"; v: number }
  | { k: "string"; v: string }
  | { k: "list"; items: Expected[] }
  | { k: "map"; entries: Map<string, Expected> }
  | { k: "node"; labels: string[]; props: Map<string, Expected> }
  | { k: "rel"; type: string; props: Map<string, Expected> }
  | { k: "path"; start: Expected; steps: { rel: Expected; forward: boolean; node: Expected }[] };

class ValueParser {
  i = 0;
  constructor(private readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string {
    this.ws();
    return this.s[this.i] ?? "";
  }
  eat(c: string): void {
    this.ws();
    if (!this.s.startsWith(c, this.i))
      throw new Error(`TCK value: expected '${c}' at ${this.i} in ${this.s}`);
    this.i += c.length;
  }
  tryEat(c: string): boolean {
    this.ws();
    if (this.s.startsWith(c, this.i)) {
      this.i += c.length;
      return true;
    }
    return false;
  }
  name(): string {
    this.ws();
    if (this.s[this.i] === "`") {
      const e = this.s.indexOf("`", this.i + 1);
      const n = this.s.slice(this.i + 1, e);
      this.i = e + 1;
      return n;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`TCK value: expected a name at ${this.i} in ${this.s}`);
    this.i += m[0].length;
    return m[0];
  }
  props(): Map<string, Expected> {
    const m = new Map<string, Expected>();
    if (this.peek() !== "{") return m;
    this.eat("{");
    if (this.tryEat("}")) return m;
    do {
      const k = this.name();
      this.eat(":");
      m.set(k, this.value());
    } while (this.tryEat(","));
    this.eat("}");
    return m;
  }
  node(): Expected {
    this.eat("(");
    const labels: string[] = [];
    while (this.tryEat(":")) labels.push(this.name());
    const props = this.props();
    this.eat(")");
    return { k: "node", labels, props };
  }
  rel(): Expected {
    this.eat("[");
    this.eat(":");
    const type = this.name();
    const props = this.props();
    this.eat("]");
    return { k: "rel", type, props };
  }
  value(): Expected {
    const c = this.peek();
    if (c === "'" || c === '"') {
      const q = c;
      let out = "";
      this.i++;
      while (this.i < this.s.length && this.s[this.i] !== q) {
        if (this.s[this.i] === "\\") {
          const n = this.s[this.i + 1]!;
          out += n === "n" ? "\n" : n === "t" ? "\t" : n;
          this.i += 2;
        } else out += this.s[this.i++];
      }
      this.i++;
      return { k: "string", v: out };
    }
    if (c === "[") {
      // relationship or list
      const save = this.i;
      this.i++;
      if (this.peek() === ":") {
        this.i = save;
        return this.rel();
      }
      const items: Expected[] = [];
      if (!this.tryEat("]")) {
        do items.push(this.value());
        while (this.tryEat(","));
        this.eat("]");
      }
      return { k: "list", items };
    }
    if (c === "{") return { k: "map", entries: this.props() };
    if (c === "(") return this.node();
    if (c === "<") {
      this.eat("<");
      const start = this.node();
      const steps: { rel: Expected; forward: boolean; node: Expected }[] = [];
      while (this.peek() !== ">") {
        const back = this.tryEat("<-");
        if (!back) this.eat("-");
        const rel = this.rel();
        const fwd = this.tryEat("->");
        if (!fwd) this.eat("-");
        steps.push({ rel, forward: !back, node: this.node() });
      }
      this.eat(">");
      return { k: "path", start, steps };
    }
    const rest = this.s.slice(this.i);
    let m = /^(null|true|false)\b/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return m[1] === "null" ? { k: "null" } : { k: "bool", v: m[1] === "true" };
    }
    m = /^-?(NaN|Infinity)\b/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { k: "float", v: Number(m[0]) };
    }
    m = /^-?(\d+\.\d*([eE][-+]?\d+)?|\d*\.\d+([eE][-+]?\d+)?|\d+[eE][-+]?\d+)/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { k: "float", v: Number(m[0]) };
    }
    m = /^-?(0x[0-9a-fA-F]+|\d+)/.exec(rest);
    if (m) {
      this.i += m[0].length;
      const neg = m[0].startsWith("-");
      const b = BigInt(neg ? m[0].slice(1) : m[0]);
      return { k: "int", v: neg ? -b : b };
    }
    throw new Error(`TCK value: cannot parse '${rest}'`);
  }
}

export function parseExpected(text: string): Expected {
  const p = new ValueParser(text);
  const v = p.value();
  p.ws();
  if (p.i !== text.length) throw new Error(`TCK value: trailing text in '${text}'`);
  return v;
}

/** Parameter values (no graph entities). */
export function expectedToValue(e: Expected): CypherValue {
  switch (e.k) {
    case "null":
      return null;
    case "bool":
      return e.v;
    case "int":
      return e.v;
    case "float":
      return e.v;
    case "string":
      return e.v;
    case "list":
      return e.items.map(expectedToValue);
    case "map":
      return makeMap(
        [...e.entries].map(([k, v]): [string, CypherValue] => [k, expectedToValue(v)]),
      );
    default:
      throw new Error("graph entities cannot be parameters");
  }
}

function floatEq(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

function propsMatch(
  actual: Map<string, CypherValue>,
  exp: Map<string, Expected>,
  unordered: boolean,
): boolean {
  if (actual.size !== exp.size) return false;
  for (const [k, e] of exp) {
    const a = actual.get(k);
    if (a === undefined || !matches(a, e, unordered)) return false;
  }
  return true;
}

/** Does an actual result value match the expected TCK value? */
export function matches(a: CypherValue, e: Expected, unorderedLists = false): boolean {
  switch (e.k) {
    case "null":
      return a === null;
    case "bool":
      return a === e.v;
    case "int":
      return typeof a === "bigint" && a === e.v;
    case "float":
      return typeof a === "number" && floatEq(a, e.v);
    case "string":
      if (typeof a === "string") return a === e.v;
      return a !== null && isTemporal(a) && formatTemporal(a) === e.v;
    case "list": {
      if (!Array.isArray(a) || a.length !== e.items.length) return false;
      if (!unorderedLists) return a.every((x, i) => matches(x, e.items[i]!, unorderedLists));
      return bagMatch(a, e.items, (x, y) => matches(x, y, true));
    }
    case "map":
      return a !== null && isMap(a) && propsMatch(new Map(a.entries), e.entries, unorderedLists);
    case "node":
      return (
        a !== null &&
        isNode(a) &&
        a.labels.length === e.labels.length &&
        e.labels.every((l) => a.labels.includes(l)) &&
        propsMatch(a.properties, e.props, unorderedLists)
      );
    case "rel":
      return (
        a !== null &&
        isRelationship(a) &&
        a.type === e.type &&
        propsMatch(a.properties, e.props, unorderedLists)
      );
    case "path": {
      if (a === null || !isPath(a) || a.relationships.length !== e.steps.length) return false;
      if (!matches(a.nodes[0]!, e.start, unorderedLists)) return false;
      return e.steps.every((s, i) => {
        const r = a.relationships[i]!;
        const prev = a.nodes[i]!;
        const fwd = r.startId === prev.id;
        return (
          fwd === s.forward &&
          matches(r, s.rel, unorderedLists) &&
          matches(a.nodes[i + 1]!, s.node, unorderedLists)
        );
      });
    }
  }
}

/** Multiset matching by backtracking (result tables are small). */
export function bagMatch<A, E>(actual: A[], expected: E[], eq: (a: A, e: E) => boolean): boolean {
  if (actual.length !== expected.length) return false;
  const used = new Array<boolean>(expected.length).fill(false);
  const cand = actual.map((a) => expected.map((e, j) => (eq(a, e) ? j : -1)).filter((j) => j >= 0));
  const order = actual.map((_, i) => i).sort((x, y) => cand[x]!.length - cand[y]!.length);
  const go = (k: number): boolean => {
    if (k === order.length) return true;
    for (const j of cand[order[k]!]!) {
      if (used[j]) continue;
      used[j] = true;
      if (go(k + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return go(0);
}
