/**
 * Neo4j Browser's parameter commands in a Cypher cell. A cell may start with
 *   :param name => value        (one parameter)
 *   :params {name: value, …}    (replaces all parameters, like the Browser)
 * where a value is a Cypher literal: a string, a number, true/false/null, a list or a map (it may
 * span lines). The commands are cut out of the cell (replaced by spaces, so positions in the
 * query are unchanged) and their values travel to the database as driver parameters — never
 * pasted into the query text. Pure: no I/O.
 */
import { formatValue, makeMap, type CypherValue } from "@courses/cypher";

export type ParamCommand =
  | { kind: "set"; name: string; value: CypherValue; line: number }
  | { kind: "replace"; values: ReadonlyMap<string, CypherValue>; line: number };

export interface ParamError {
  message: string;
  /** 1-based, in the cell. */
  line: number;
  column: number;
}

export type ParsedCellParams =
  | {
      ok: true;
      /** The cell with its commands blanked out: same length, same line and column for the query. */
      query: string;
      commands: ParamCommand[];
    }
  | { ok: false; error: ParamError };

class ParamSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const KEYWORD = /(?:true|false|null)\b/iy;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const LITERALS_ONLY =
  "a parameter value must be a literal: a string, a number, true, false, null, a list or a map. Compute other values in the query instead, e.g. date($day)";

/** Reads one Cypher literal starting at `at` (after optional blanks). */
class LiteralReader {
  constructor(
    private readonly src: string,
    public at: number,
  ) {}

  private fail(message: string, at = this.at): never {
    throw new ParamSyntaxError(message, at);
  }

  skipBlanks(): void {
    while (this.at < this.src.length && /\s/.test(this.src[this.at]!)) this.at++;
  }

  private match(re: RegExp): string | null {
    re.lastIndex = this.at;
    const m = re.exec(this.src);
    if (!m) return null;
    this.at += m[0].length;
    return m[0];
  }

  name(what: string): string {
    if (this.src[this.at] === "`") {
      const close = this.src.indexOf("`", this.at + 1);
      if (close < 0) this.fail(`the ${what} opened with \` is not closed`);
      const name = this.src.slice(this.at + 1, close);
      if (!name) this.fail(`the ${what} is empty`);
      this.at = close + 1;
      return name;
    }
    const name = this.match(IDENTIFIER);
    if (!name) this.fail(`expected a ${what} (letters, digits and _, not starting with a digit)`);
    return name;
  }

  value(): CypherValue {
    this.skipBlanks();
    const c = this.src[this.at];
    if (c === undefined) this.fail("expected a value after =>");
    if (c === "'" || c === '"') return this.string(c);
    if (c === "[") return this.list();
    if (c === "{") return this.map();
    const keyword = this.match(KEYWORD);
    if (keyword) {
      const k = keyword.toLowerCase();
      return k === "null" ? null : k === "true";
    }
    const start = this.at;
    const number = this.match(NUMBER);
    if (number) {
      if (/[A-Za-z_(]/.test(this.src[this.at] ?? "")) this.fail(LITERALS_ONLY, start);
      if (/^-?\d+$/.test(number)) {
        const n = BigInt(number);
        if (n < INT64_MIN || n > INT64_MAX)
          this.fail("this integer does not fit in 64 bits (Cypher's INTEGER)", start);
        return n;
      }
      return Number(number);
    }
    return this.fail(LITERALS_ONLY);
  }

  private string(quote: string): string {
    const start = this.at;
    let out = "";
    this.at++;
    for (;;) {
      const c = this.src[this.at];
      if (c === undefined) this.fail(`this string is not closed: add ${quote}`, start);
      this.at++;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.src[this.at++];
      const simple: Record<string, string> = {
        t: "\t",
        b: "\b",
        n: "\n",
        r: "\r",
        f: "\f",
        "'": "'",
        '"': '"',
        "\\": "\\",
      };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === "u" || e === "U") {
        const digits = e === "u" ? 4 : 8;
        const hex = this.src.slice(this.at, this.at + digits);
        if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex))
          this.fail(`\\${e} needs ${digits} hex digits`, this.at - 2);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.at += digits;
      } else this.fail(`unknown escape \\${e ?? ""} in a string`, this.at - 2);
    }
  }

  private list(): CypherValue[] {
    const items: CypherValue[] = [];
    this.at++;
    this.skipBlanks();
    if (this.src[this.at] === "]") {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.skipBlanks();
      const c = this.src[this.at];
      this.at++;
      if (c === "]") return items;
      if (c !== ",") this.fail("expected , or ] in the list", this.at - 1);
    }
  }

  map(): CypherValue {
    const entries = new Map<string, CypherValue>();
    if (this.src[this.at] !== "{") this.fail("expected a map, e.g. {name: 'Tom Hanks'}");
    this.at++;
    this.skipBlanks();
    if (this.src[this.at] === "}") {
      this.at++;
      return makeMap(entries);
    }
    for (;;) {
      this.skipBlanks();
      const key = this.name("map key");
      this.skipBlanks();
      if (this.src[this.at] !== ":") this.fail(`expected : after the key ${key}`);
      this.at++;
      entries.set(key, this.value());
      this.skipBlanks();
      const c = this.src[this.at];
      this.at++;
      if (c === "}") return makeMap(entries);
      if (c !== ",") this.fail("expected , or } in the map", this.at - 1);
    }
  }
}

function lineColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Skips blanks and comments; returns the next offset with something else on it. */
function skipBlanksAndComments(src: string, at: number): number {
  for (;;) {
    while (at < src.length && /\s/.test(src[at]!)) at++;
    if (src.startsWith("//", at)) {
      const end = src.indexOf("\n", at);
      at = end < 0 ? src.length : end;
    } else if (src.startsWith("/*", at)) {
      const end = src.indexOf("*/", at + 2);
      at = end < 0 ? src.length : end + 2;
    } else return at;
  }
}

/** After a command: only blanks or a comment may follow on its line. */
function endOfCommand(src: string, at: number): number {
  while (at < src.length && (src[at] === " " || src[at] === "\t" || src[at] === "\r")) at++;
  if (src.startsWith("//", at)) {
    const end = src.indexOf("\n", at);
    return end < 0 ? src.length : end;
  }
  if (at < src.length && src[at] !== "\n")
    throw new ParamSyntaxError(
      "unexpected text after the value: put one :param per line, then the query on the lines below",
      at,
    );
  return at;
}

const blankOut = (text: string): string => text.replace(/[^\n]/g, " ");

/** Parses the `:param` / `:params` lines at the top of a cell. */
export function parseCellParams(source: string): ParsedCellParams {
  const commands: ParamCommand[] = [];
  let query = source;
  let at = 0;
  try {
    for (;;) {
      at = skipBlanksAndComments(source, at);
      if (source[at] !== ":") break;
      const start = at;
      const word = /:([A-Za-z]+)/y;
      word.lastIndex = at;
      const command = word.exec(source)?.[1] ?? "";
      const { line } = lineColumn(source, start);
      const reader = new LiteralReader(source, at + 1 + command.length);
      if (command === "param") {
        reader.skipBlanks();
        const name = reader.name("parameter name");
        reader.skipBlanks();
        if (source.startsWith("=>", reader.at)) reader.at += 2;
        else if (source[reader.at] === ":") reader.at += 1;
        else
          throw new ParamSyntaxError(
            `expected => after the name, as in :param ${name} => "value"`,
            reader.at,
          );
        commands.push({ kind: "set", name, value: reader.value(), line });
      } else if (command === "params") {
        reader.skipBlanks();
        const map = reader.map();
        if (map === null || typeof map !== "object" || Array.isArray(map) || map.kind !== "map")
          throw new ParamSyntaxError("expected a map", start);
        commands.push({ kind: "replace", values: map.entries, line });
      } else {
        throw new ParamSyntaxError(
          `:${command} is a Neo4j Browser command that cells do not run; cells understand :param name => value and :params {…}`,
          start,
        );
      }
      at = endOfCommand(source, reader.at);
      query = query.slice(0, start) + blankOut(query.slice(start, at)) + query.slice(at);
    }
    const late = /^[ \t]*:params?\b/m.exec(source.slice(at));
    if (late)
      throw new ParamSyntaxError(
        "put :param lines at the top of the cell, before the query",
        at + late.index + late[0].indexOf(":"),
      );
  } catch (e) {
    if (!(e instanceof ParamSyntaxError)) throw e;
    const { line, column } = lineColumn(source, Math.min(e.offset, source.length));
    return { ok: false, error: { message: `Malformed :param — ${e.message}.`, line, column } };
  }
  return { ok: true, query, commands };
}

/** The parameters in force after `commands`, starting from those set above. */
export function applyParamCommands(
  current: ReadonlyMap<string, CypherValue>,
  commands: readonly ParamCommand[],
): Map<string, CypherValue> {
  let params = new Map(current);
  for (const c of commands) {
    if (c.kind === "set") params.set(c.name, c.value);
    else params = new Map(c.values);
  }
  return params;
}

/** "$name = 'Tom Hanks'": what a cell that only sets parameters shows. */
export function describeParams(params: ReadonlyMap<string, CypherValue>): string {
  if (params.size === 0) return "No parameters are set.";
  return [...params]
    .map(
      ([name, value]) =>
        `$${/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name}\``} = ${formatValue(value)}`,
    )
    .join("\n");
}

const MISSING = /Expected parameter(?:\(s\))?: (.+)$/;

/** Neo4j's "Expected parameter(s): x" with how to set it in a cell, or null for other errors. */
export function explainMissingParameter(code: string | undefined, message: string): string | null {
  if (!code?.endsWith("ParameterMissing")) return null;
  const names = (MISSING.exec(message)?.[1] ?? "")
    .split(",")
    .map((n) => n.trim().replace(/^\$/, ""))
    .filter(Boolean);
  const example = names[0] ?? "name";
  return `${message}. Set it at the top of this cell or a cell above, e.g. :param ${example} => "value" (or a number, list or map).`;
}
