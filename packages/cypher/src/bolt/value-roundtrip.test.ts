/**
 * Value fidelity of the whole Bolt path: random engine values go out as parameters through the
 * official driver (packed by it), come back as results (hydrated by it) and are converted back —
 * they must be equal. This is what the TCK over Bolt relies on for every scenario.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setupTestBoltServer } from "./test-server";
import { makeMap, type CypherValue } from "../values";
import { offsetAtInstant } from "../timezone";
import { fromDriverValue, toDriverValue } from "./driver-values";
import { localOfEpochSecond } from "./temporal-wire";

const bolt = setupTestBoltServer();

const int = (min: number, max: number) => fc.integer({ min, max });
const temporal: fc.Arbitrary<CypherValue> = fc.oneof(
  fc.record({
    kind: fc.constant("date" as const),
    year: int(1, 9999),
    month: int(1, 12),
    day: int(1, 28),
  }),
  fc.record({
    kind: fc.constant("localtime" as const),
    hour: int(0, 23),
    minute: int(0, 59),
    second: int(0, 59),
    nanosecond: int(0, 999_999_999),
  }),
  fc.record({
    kind: fc.constant("time" as const),
    hour: int(0, 23),
    minute: int(0, 59),
    second: int(0, 59),
    nanosecond: int(0, 999_999_999),
    offsetSeconds: int(-18, 18).map((h) => h * 3600),
  }),
  fc.record({
    kind: fc.constant("localdatetime" as const),
    year: int(1, 9999),
    month: int(1, 12),
    day: int(1, 28),
    hour: int(0, 23),
    minute: int(0, 59),
    second: int(0, 59),
    nanosecond: int(0, 999_999_999),
  }),
  fc.record({
    kind: fc.constant("datetime" as const),
    year: int(1900, 2100),
    month: int(1, 12),
    day: int(1, 28),
    hour: int(0, 23),
    minute: int(0, 59),
    second: int(0, 59),
    nanosecond: int(0, 999_999_999),
    offsetSeconds: int(-12, 14).map((h) => h * 3600),
  }),
  // Zoned: pick an instant, derive the zone's offset there and the local wall time from it.
  fc
    .tuple(
      fc.constantFrom(
        "Europe/Stockholm",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "UTC",
      ),
      fc.integer({ min: -2_000_000_000, max: 4_000_000_000 }),
      int(0, 999_999_999),
    )
    .map(([timezone, utc, nanosecond]): CypherValue => {
      const offsetSeconds = offsetAtInstant(timezone, utc);
      return {
        kind: "datetime",
        ...localOfEpochSecond(BigInt(utc + offsetSeconds), nanosecond),
        offsetSeconds,
        timezone,
      };
    }),
  fc.record({
    kind: fc.constant("duration" as const),
    months: fc.bigInt({ min: -1000n, max: 1000n }),
    days: fc.bigInt({ min: -1000n, max: 1000n }),
    seconds: fc.bigInt({ min: -100000n, max: 100000n }),
    nanoseconds: fc.bigInt({ min: 0n, max: 999_999_999n }),
  }),
);

const value: fc.Arbitrary<CypherValue> = fc.letrec<{ v: CypherValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double(),
    fc.string({ unit: "binary" }).filter((s) => s.isWellFormed()),
    temporal,
    fc.array(tie("v"), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(
          fc
            .string({ minLength: 1, maxLength: 8 })
            .filter((k) => !/^\d+$/.test(k) && k !== "__proto__"),
          tie("v"),
        ),
        { maxLength: 4 },
      )
      .map((e) => makeMap(e)),
  ),
})).v;

describe("values through neo4j-driver and back", () => {
  it("round-trips random values exactly", async () => {
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const { records } = await bolt.driver.executeQuery("RETURN $v AS v", {
          v: toDriverValue(v),
        });
        expect(fromDriverValue(records[0]!.get("v"))).toEqual(v);
      }),
      { numRuns: 150 },
    );
  });
});
