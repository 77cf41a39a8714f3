import { describe, expect, it } from "vitest";
import { utf8Bytes } from "./output-bounds";
import {
  boundOutputsForStorage,
  earlierRunLabel,
  MAX_STORED_OUTPUT_BYTES,
  parseStoredOutputs,
} from "./stored-outputs";
import type { CellOutput } from "./types";

const size = (outputs: CellOutput[]) => utf8Bytes(JSON.stringify(outputs));

describe("boundOutputsForStorage", () => {
  it("keeps outputs that fit as they are, plots as their data", () => {
    const outputs: CellOutput[] = [
      { type: "text", stream: "stdout", text: "hello" },
      { type: "plot", plotId: "loss", traces: [{ y: [1, 2, 3] }], layout: { title: "loss" } },
    ];
    expect(boundOutputsForStorage(outputs)).toEqual({ outputs, trimmed: false });
  });

  it("keeps the end of a long text and an error after it, within the bound", () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `line ${i} "quoted"`).join("\n");
    const error: CellOutput = { type: "error", name: "Error", message: "boom" };
    const { outputs, trimmed } = boundOutputsForStorage([
      { type: "text", stream: "stdout", text },
      error,
    ]);
    expect(trimmed).toBe(true);
    expect(size(outputs)).toBeLessThanOrEqual(MAX_STORED_OUTPUT_BYTES);
    const [kept, last] = outputs;
    expect(kept?.type === "text" && kept.text.endsWith('line 49999 "quoted"')).toBe(true);
    // Most of the budget is used, not a token amount.
    expect(size(outputs)).toBeGreaterThan(MAX_STORED_OUTPUT_BYTES * 0.6);
    expect(last).toEqual(error);
  });

  it("keeps a big table's first rows and its true row count", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i, "x".repeat(500)]);
    const { outputs, trimmed } = boundOutputsForStorage(
      [{ type: "table", columns: ["i", "s"], rows }],
      20_000,
    );
    expect(trimmed).toBe(true);
    const table = outputs[0];
    if (table?.type !== "table") throw new Error("expected a table");
    expect(table.totalRows).toBe(1000);
    expect(table.rows.length).toBeGreaterThan(30);
    expect(table.rows[0]).toEqual(rows[0]);
    expect(size(outputs)).toBeLessThanOrEqual(20_000);
  });

  it("drops an output that does not fit at all and says so", () => {
    const big: CellOutput = { type: "plot", plotId: "p", traces: [{ y: "x".repeat(5000) }] };
    const { outputs, trimmed } = boundOutputsForStorage(
      [big, { type: "success", message: "ok" }],
      1000,
    );
    expect(outputs).toEqual([{ type: "success", message: "ok" }]);
    expect(trimmed).toBe(true);
  });
});

describe("parseStoredOutputs", () => {
  it("accepts what was stored and refuses anything else", () => {
    const stored = {
      outputs: [{ type: "text", stream: "stdout", text: "1" }],
      savedAt: 5,
      trimmed: false,
    };
    expect(parseStoredOutputs(stored)).toEqual(stored);
    expect(parseStoredOutputs({ ...stored, outputs: [{ type: "video" }] })).toBeNull();
    expect(parseStoredOutputs(undefined)).toBeNull();
  });
});

describe("earlierRunLabel", () => {
  it("says today or the date", () => {
    const at = new Date(2026, 11, 4, 9, 5).getTime();
    expect(earlierRunLabel(at, at + 60_000)).toBe("From an earlier run (today, 09:05)");
    expect(earlierRunLabel(at, at + 3 * 86_400_000)).toBe("From an earlier run (4 Dec, 09:05)");
  });
});
