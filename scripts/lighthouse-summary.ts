/** Pure parts of `npm run lighthouse`: its arguments and the summary of the per-page figures. */

export interface PageScore {
  path: string;
  /** 0–100, as Lighthouse shows it. */
  performance: number;
  accessibility: number;
  tbtMs: number;
}

interface LighthouseArgs {
  base: string;
  /** Lesson paths to measure; null means every lesson page. */
  pages: string[] | null;
}

export function parseArgs(argv: readonly string[]): LighthouseArgs {
  let base: string | null = null;
  let pages: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--base") base = value().replace(/\/+$/, "");
    else if (flag === "--pages")
      pages = value()
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p) => (p.startsWith("/") ? p : `/${p}`));
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!base)
    throw new Error("usage: npm run lighthouse -- --base http://127.0.0.1:PORT [--pages a,b]");
  if (!/^https?:\/\//.test(base)) throw new Error(`--base must be an http(s) URL, got ${base}`);
  return { base, pages };
}

/** Lighthouse's 0–1 category score as the 0–100 figure it shows. */
export function toPercent(score: number | null | undefined): number {
  return score == null ? 0 : Math.round(score * 100);
}

interface Summary {
  pages: number;
  minPerformance: number;
  minAccessibility: number;
  maxTbtMs: number;
  /** Pages under the goals (performance ≥ 98, accessibility 100, TBT ≤ 100 ms). */
  belowGoal: string[];
}

const GOALS = { performance: 98, accessibility: 100, tbtMs: 100 } as const;

export function summarize(scores: readonly PageScore[]): Summary {
  if (scores.length === 0) throw new Error("no pages were measured");
  return {
    pages: scores.length,
    minPerformance: Math.min(...scores.map((s) => s.performance)),
    minAccessibility: Math.min(...scores.map((s) => s.accessibility)),
    maxTbtMs: Math.max(...scores.map((s) => s.tbtMs)),
    belowGoal: scores
      .filter(
        (s) =>
          s.performance < GOALS.performance ||
          s.accessibility < GOALS.accessibility ||
          s.tbtMs > GOALS.tbtMs,
      )
      .map((s) => s.path),
  };
}
