import type { CypherValue } from "./values";
import { formatTemporal } from "./values";

/** A string that is equal for equivalent values (grouping, DISTINCT): null groups with null, 1 with 1.0. */
export function valueKey(v: CypherValue): string {
  if (v === null) return "N";
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "bigint") return "n" + v.toString();
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return "n" + BigInt(v).toString();
    return "f" + String(v);
  }
  if (typeof v === "string") return "s" + JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(valueKey).join(",") + "]";
  switch (v.kind) {
    case "map":
      return (
        "{" +
        [...v.entries]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([k, x]) => JSON.stringify(k) + ":" + valueKey(x))
          .join(",") +
        "}"
      );
    case "node":
      return "(" + v.id.toString() + ")";
    case "relationship":
      return "[" + v.id.toString() + "]";
    case "path":
      return (
        "<" +
        v.nodes.map((n) => n.id).join(",") +
        "|" +
        v.relationships.map((r) => r.id).join(",") +
        ">"
      );
    case "duration":
      return `D${v.months},${v.days},${v.seconds},${v.nanoseconds}`;
    default:
      return v.kind + formatTemporal(v);
  }
}
