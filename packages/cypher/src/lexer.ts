import { syntaxError, positionAt } from "./errors";

type TokKind = "ident" | "qident" | "int" | "float" | "string" | "param" | "punct" | "eof";
export interface Token {
  k: TokKind;
  /** identifier text, punctuation, string value, number text, parameter name */
  s: string;
  pos: number;
  end: number;
}

const PUNCT3 = ["..."];
const PUNCT2 = ["<=", ">=", "<>", "!=", "=~", "..", "+=", "::"];
const PUNCT1 = "()[]{},.:;|+-*/%^=<>$!&";
/**
 * The openCypher grammar allows these dashes and angle brackets inside relationship patterns only;
 * they lex as distinct tokens ("~-", "~<", "~>") so that e.g. `42 — 41` is an InvalidUnicodeCharacter.
 */
export const UNICODE_DASH = "~-";
export const UNICODE_LT = "~<";
export const UNICODE_GT = "~>";
const UNICODE_PUNCT: Record<string, string> = Object.fromEntries([
  ..."\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    .split("")
    .map((ch) => [ch, UNICODE_DASH]),
  ..."\u27e8\u3008\ufe64\uff1c".split("").map((ch) => [ch, UNICODE_LT]),
  ..."\u27e9\u3009\ufe65\uff1e".split("").map((ch) => [ch, UNICODE_GT]),
]);

const isIdStart = (c: string): boolean => /[\p{L}_]/u.test(c);
const isIdPart = (c: string): boolean => /[\p{L}\p{N}_$]/u.test(c) || c === "\u00b7";

/** Tokenises Cypher text; errors carry the 1-based line/column of the offending character. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  const fail = (msg: string, at: number): never => {
    throw syntaxError("UnexpectedSyntax", msg, positionAt(src, at));
  };
  const failDetail = (detail: string, msg: string, at: number): never => {
    throw syntaxError(detail, msg, positionAt(src, at));
  };
  while (i < n) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      const e = src.indexOf("*/", i + 2);
      if (e < 0) fail("Unterminated comment", i);
      i = e + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= n) fail("Unterminated string literal", start);
        const d = src[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === "\\") {
          const e = src[i + 1];
          i += 2;
          switch (e) {
            case "\\":
              s += "\\";
              break;
            case "'":
              s += "'";
              break;
            case '"':
              s += '"';
              break;
            case "n":
              s += "\n";
              break;
            case "t":
              s += "\t";
              break;
            case "r":
              s += "\r";
              break;
            case "b":
              s += "\b";
              break;
            case "f":
              s += "\f";
              break;
            case "u": {
              const h = src.slice(i, i + 4);
              if (!/^[0-9a-fA-F]{4}$/.test(h))
                failDetail("InvalidUnicodeLiteral", "Invalid unicode escape", i - 2);
              s += String.fromCharCode(parseInt(h, 16));
              i += 4;
              break;
            }
            case "U": {
              const h = src.slice(i, i + 8);
              if (!/^[0-9a-fA-F]{8}$/.test(h))
                failDetail("InvalidUnicodeLiteral", "Invalid unicode escape", i - 2);
              const cp = parseInt(h, 16);
              if (cp > 0x10ffff)
                failDetail("InvalidUnicodeLiteral", "Invalid unicode escape", i - 2);
              s += String.fromCodePoint(cp);
              i += 8;
              break;
            }
            default:
              fail("Invalid escape sequence", i - 2);
          }
          continue;
        }
        s += d;
        i++;
      }
      out.push({ k: "string", s, pos: start, end: i });
      continue;
    }
    if (c === "`") {
      let s = "";
      i++;
      for (;;) {
        if (i >= n) fail("Unterminated escaped identifier", start);
        if (src[i] === "`") {
          if (src[i + 1] === "`") {
            s += "`";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i];
        i++;
      }
      out.push({ k: "qident", s, pos: start, end: i });
      continue;
    }
    if (
      /[0-9]/.test(c) ||
      (c === "." &&
        /[0-9]/.test(src[i + 1] ?? "") &&
        !(out.length && isValueEnd(out[out.length - 1]!) && !isKeywordEnd(out[out.length - 1]!)))
    ) {
      // number
      let j = i;
      if (c === "0" && (src[j + 1] === "x" || src[j + 1] === "X")) {
        j += 2;
        while (j < n && /[0-9A-Za-z_]/.test(src[j]!)) j++;
        out.push({ k: "int", s: src.slice(i, j), pos: start, end: j });
        i = j;
        continue;
      }
      if (c === "0" && (src[j + 1] === "o" || src[j + 1] === "O")) {
        j += 2;
        while (j < n && /[0-9A-Za-z_]/.test(src[j]!)) j++;
        out.push({ k: "int", s: src.slice(i, j), pos: start, end: j });
        i = j;
        continue;
      }
      let isFloat = false;
      while (j < n && /[0-9_]/.test(src[j]!)) j++;
      if (src[j] === "." && /[0-9]/.test(src[j + 1] ?? "")) {
        isFloat = true;
        j++;
        while (j < n && /[0-9_]/.test(src[j]!)) j++;
      }
      if ((src[j] === "e" || src[j] === "E") && /[-+0-9]/.test(src[j + 1] ?? "")) {
        let k = j + 1;
        if (src[k] === "-" || src[k] === "+") k++;
        if (/[0-9]/.test(src[k] ?? "")) {
          isFloat = true;
          j = k;
          while (j < n && /[0-9]/.test(src[j]!)) j++;
        }
      }
      // letters glued to a number make an invalid literal (e.g. 1a, 0x1g)
      while (j < n && isIdPart(src[j]!)) j++;
      out.push({ k: isFloat ? "float" : "int", s: src.slice(i, j), pos: start, end: j });
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(src[j]!)) j++;
      out.push({ k: "ident", s: src.slice(i, j), pos: start, end: j });
      i = j;
      continue;
    }
    if (c === "$") {
      let j = i + 1;
      if (src[j] === "`") {
        const e = src.indexOf("`", j + 1);
        if (e < 0) fail("Unterminated parameter name", i);
        out.push({ k: "param", s: src.slice(j + 1, e), pos: start, end: e + 1 });
        i = e + 1;
        continue;
      }
      while (j < n && isIdPart(src[j]!)) j++;
      if (j === i + 1) fail("Invalid parameter", i);
      out.push({ k: "param", s: src.slice(i + 1, j), pos: start, end: j });
      i = j;
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    // unicode dashes and angle brackets pasted from documents read as their ASCII forms
    const punct = PUNCT3.includes(three)
      ? three
      : PUNCT2.includes(two)
        ? two
        : PUNCT1.includes(c)
          ? c
          : UNICODE_PUNCT[c];
    if (punct !== undefined) {
      const len = punct === three || punct === two ? punct.length : 1;
      // (unicode punctuation tokens are two-character names for one source character)
      out.push({ k: "punct", s: punct, pos: start, end: i + len });
      i += len;
      continue;
    }
    if (c.charCodeAt(0) > 127)
      throw syntaxError(
        "InvalidUnicodeCharacter",
        `Invalid input '${c}': unexpected unicode character`,
        positionAt(src, i),
      );
    fail(`Invalid input '${c}'`, i);
  }
  out.push({ k: "eof", s: "", pos: n, end: n });
  return out;
}

/** `.5` after a keyword such as RETURN is a number, after a name it would be a (malformed) property. */
function isKeywordEnd(t: Token): boolean {
  return (
    t.k === "ident" &&
    /^(RETURN|WITH|AND|OR|XOR|NOT|IN|WHEN|THEN|ELSE|SKIP|LIMIT|BY|UNWIND|CONTAINS|WHERE)$/i.test(
      t.s,
    )
  );
}

function isValueEnd(t: Token): boolean {
  return (
    t.k === "ident" ||
    t.k === "qident" ||
    (t.k === "punct" && (t.s === ")" || t.s === "]" || t.s === "}"))
  );
}
