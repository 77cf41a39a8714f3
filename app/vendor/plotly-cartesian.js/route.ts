/**
 * Plotly's cartesian bundle, rewritten so the page can evaluate it in small steps
 * (lib/plotly/stepped-bundle.ts). Built once at `next build` and served as a static file from our
 * own origin: a `<script async>` of a same-origin file lets Chromium compile it off the main thread.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PLOTLY_GLOBAL } from "@/lib/plotly/plotly-script";
import { steppedBundle } from "@/lib/plotly/stepped-bundle";

export const dynamic = "force-static";

export async function GET(): Promise<Response> {
  // Read at build time from the project root (`next build` runs there).
  const file = path.join(
    process.cwd(),
    "node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js",
  );
  const source = await readFile(file, "utf8");
  const { code } = steppedBundle(source, PLOTLY_GLOBAL);
  return new Response(code, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      // The URL carries Plotly's version (lib/plotly/plotly-script.ts).
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}
