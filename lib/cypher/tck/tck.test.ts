import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runFeatures } from "./runner";
import { createInProcessExecutor } from "./executor";

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(process.env.CYPHER_TCK_DIR ?? resolve(here, "../../../../shared/cypher-tck/features"));
const present = existsSync(dir);
const baseline = (JSON.parse(readFileSync(resolve(here, "baseline.json"), "utf8")) as { passed: number }).passed;

if (!present) console.warn(`TCK features folder not found at ${dir}: skipping the TCK baseline test (set CYPHER_TCK_DIR).`);

describe("openCypher TCK (dev set, in-process)", () => {
  it.skipIf(!present)(
    `passes at least the committed baseline (${baseline} scenarios)`,
    async () => {
      const results = await runFeatures(dir, createInProcessExecutor());
      const passed = results.filter((r) => r.status === "passed").length;
      expect(passed).toBeGreaterThanOrEqual(baseline);
    },
    90_000,
  );
});
