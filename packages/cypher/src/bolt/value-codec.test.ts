import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CypherValue, NodeValue, RelationshipValue } from "../values";
import { pack, unpack, type PackStructure } from "./packstream";
import { fromPack, SIG, toPack } from "./value-codec";
import { civilOf, epochDayOf, zoneOffsetAt } from "./temporal-wire";

const node = (id: bigint, name: string): NodeValue => ({
  kind: "node",
  id,
  labels: ["Person"],
  properties: new Map([["name", name]]),
});
const rel = (id: bigint, s: bigint, e: bigint): RelationshipValue => ({
  kind: "relationship",
  id,
  type: "KNOWS",
  startId: s,
  endId: e,
  properties: new Map(),
});

describe("value codec", () => {
  it("matches the calendar: epoch days round-trip and agree with Date", () => {
    expect(epochDayOf(1970, 1, 1)).toBe(0n);
    expect(epochDayOf(2000, 3, 1)).toBe(BigInt(Date.UTC(2000, 2, 1) / 86_400_000));
    fc.assert(
      fc.property(fc.bigInt({ min: -400_000_000n, max: 400_000_000n }), (d) => {
        const c = civilOf(d);
        expect(epochDayOf(c.year, c.month, c.day)).toBe(d);
      }),
    );
  });

  it("encodes nodes and relationships as Bolt 5 structures with element ids", () => {
    const n = toPack(node(7n, "Ann")) as PackStructure;
    expect(n.signature).toBe(SIG.node);
    expect(n.fields).toEqual([7n, ["Person"], new Map([["name", "Ann"]]), "4:courses:7"]);
    const r = toPack(rel(3n, 7n, 8n)) as PackStructure;
    expect(r.signature).toBe(SIG.relationship);
    expect(r.fields.length).toBe(8);
  });

  it("encodes a path with unique nodes and signed relationship indices", () => {
    const a = node(1n, "a");
    const b = node(2n, "b");
    // a -[r1]-> b <-[r2]- a : r2 goes from a to b but is traversed backwards from b
    const p = toPack({
      kind: "path",
      nodes: [a, b, a],
      relationships: [rel(10n, 1n, 2n), rel(11n, 1n, 2n)],
    }) as PackStructure;
    expect(p.signature).toBe(SIG.path);
    expect((p.fields[0] as unknown[]).length).toBe(2);
    expect(p.fields[2]).toEqual([1n, 1n, -2n, 0n]);
  });

  it("round-trips temporal values through the wire format", () => {
    const values: CypherValue[] = [
      { kind: "date", year: 1984, month: 10, day: 11 },
      { kind: "date", year: -400, month: 2, day: 29 },
      { kind: "localtime", hour: 12, minute: 31, second: 14, nanosecond: 645876123 },
      { kind: "time", hour: 23, minute: 0, second: 0, nanosecond: 1, offsetSeconds: -3600 * 5 },
      {
        kind: "localdatetime",
        year: 2015,
        month: 7,
        day: 21,
        hour: 21,
        minute: 40,
        second: 32,
        nanosecond: 142000000,
      },
      {
        kind: "datetime",
        year: 2015,
        month: 6,
        day: 24,
        hour: 12,
        minute: 50,
        second: 35,
        nanosecond: 556000000,
        offsetSeconds: 7200,
      },
      {
        kind: "datetime",
        year: 2015,
        month: 7,
        day: 21,
        hour: 21,
        minute: 40,
        second: 32,
        nanosecond: 0,
        offsetSeconds: 7200,
        timezone: "Europe/Stockholm",
      },
      { kind: "duration", months: 14n, days: 3n, seconds: 45296n, nanoseconds: 1n },
    ];
    for (const v of values) expect(fromPack(unpack(pack(toPack(v))))).toEqual(v);
  });

  it("knows zone offsets including daylight saving time", () => {
    expect(zoneOffsetAt("Europe/Stockholm", BigInt(Date.UTC(2015, 6, 1) / 1000))).toBe(7200);
    expect(zoneOffsetAt("Europe/Stockholm", BigInt(Date.UTC(2015, 0, 1) / 1000))).toBe(3600);
    expect(zoneOffsetAt("Not/AZone", 0n)).toBeNull();
  });

  it("turns parameter maps into engine maps and refuses nodes as parameters", () => {
    const v = fromPack(new Map([["a", [1n, 2.5, "x"]]]));
    expect(v).toEqual({ kind: "map", entries: new Map([["a", [1n, 2.5, "x"]]]) });
    expect(() => fromPack(toPack(node(1n, "x")))).toThrow(/not supported as a parameter/);
  });
});
