import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runFeatures } from "./runner";
import { createInProcessExecutor } from "./executor";

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(
  process.env.CYPHER_TCK_DIR ?? resolve(here, "../../../../vendor/cypher-tck/features"),
);
const present = existsSync(dir);
const baseline = (
  JSON.parse(readFileSync(resolve(here, "baseline.json"), "utf8")) as { passed: number }
).passed;

describe("openCypher TCK (dev set, in-process)", () => {
  it(`passes at least the committed baseline (${baseline} scenarios)`, async () => {
    expect(present, `TCK features folder not found at ${dir} (set CYPHER_TCK_DIR)`).toBe(true);
    const results = await runFeatures(dir, createInProcessExecutor());
    const passed = results.filter((r) => r.status === "passed").length;
    expect(passed).toBeGreaterThanOrEqual(baseline);
  }, 90_000);
});
