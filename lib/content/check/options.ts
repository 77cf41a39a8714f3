/**
 * Settings of `npm run content:check`, from the environment and the command line. Pure: the
 * caller passes `process.env` and `process.argv.slice(2)`.
 */
import { z } from "zod";

interface CheckOptions {
  /** Multiplies every `model.fit` epoch count in tfjs cells (at least 1 epoch stays). */
  trainingScale: number;
  /** Wall-clock budget per lesson, in milliseconds. */
  lessonBudgetMs: number;
  backend: "wasm" | "cpu";
  /** Only lessons whose key contains one of these (empty: every lesson). */
  filters: string[];
  /** With --exact, a filter must be the whole lesson key (the instructor's "Check this lesson"). */
  exact: boolean;
  /** Also print why each starter failed its check. */
  verbose: boolean;
}

export const DEFAULT_TRAINING_SCALE = 0.2;
export const DEFAULT_LESSON_BUDGET_S = 60;

const envSchema = z.object({
  CONTENT_CHECK_TRAINING_SCALE: z.coerce
    .number({ error: "CONTENT_CHECK_TRAINING_SCALE must be a number" })
    .gt(0, "CONTENT_CHECK_TRAINING_SCALE must be above 0")
    .lte(1, "CONTENT_CHECK_TRAINING_SCALE must be at most 1 (1 = full training)")
    .default(DEFAULT_TRAINING_SCALE),
  CONTENT_CHECK_LESSON_BUDGET_S: z.coerce
    .number({ error: "CONTENT_CHECK_LESSON_BUDGET_S must be a number of seconds" })
    .positive("CONTENT_CHECK_LESSON_BUDGET_S must be positive")
    .default(DEFAULT_LESSON_BUDGET_S),
  CONTENT_CHECK_BACKEND: z.enum(["wasm", "cpu"], { error: "CONTENT_CHECK_BACKEND must be wasm or cpu" }).default("wasm"),
});

const VERBOSE_FLAGS = new Set(["-v", "--verbose"]);
const EXACT_FLAG = "--exact";

export type ParsedOptions = { ok: true; options: CheckOptions } | { ok: false; message: string };

export function parseCheckOptions(env: Record<string, string | undefined>, args: string[]): ParsedOptions {
  // An empty variable means "not set", as in a shell `VAR= npm run …`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
  const unknownFlag = args.find((a) => a.startsWith("-") && !VERBOSE_FLAGS.has(a) && a !== EXACT_FLAG);
  if (unknownFlag) return { ok: false, message: `unknown option "${unknownFlag}" (usage: content:check [--verbose] [--exact] [lesson-key-filter …])` };
  return {
    ok: true,
    options: {
      trainingScale: parsed.data.CONTENT_CHECK_TRAINING_SCALE,
      lessonBudgetMs: parsed.data.CONTENT_CHECK_LESSON_BUDGET_S * 1000,
      backend: parsed.data.CONTENT_CHECK_BACKEND,
      filters: args.filter((a) => a && !VERBOSE_FLAGS.has(a) && a !== EXACT_FLAG),
      verbose: args.some((a) => VERBOSE_FLAGS.has(a)),
      exact: args.includes(EXACT_FLAG),
    },
  };
}

export function selectLessons<T extends { key: string }>(lessons: T[], filters: string[], exact = false): T[] {
  if (filters.length === 0) return lessons;
  return lessons.filter((l) => filters.some((f) => (exact ? l.key === f : l.key.includes(f))));
}
