/**
 * `npm run content:check [-- [--verbose] <lesson-key filter> …]`: validates every lesson, then runs every
 * runnable cell headless, in order — tfjs in the Node kernel, Cypher through the embedded
 * engine, Rust through the sandboxed runner (skipped with a message where unavailable) — and
 * asserts that each plain cell runs, each untouched starter and each listed wrong answer (`wrong`
 * blocks, at least two per exercise) FAIL its check and each solution PASSES it, within a
 * per-lesson time budget.
 *
 * Knobs (environment):
 *   CONTENT_CHECK_TRAINING_SCALE  epochs × scale for every model.fit (default 0.2, max 1)
 *   CONTENT_CHECK_LESSON_BUDGET_S wall-clock budget per lesson in seconds (default 60)
 *   CONTENT_CHECK_BACKEND         tfjs backend, wasm (default) or cpu
 *   CONTENT_CHECK_RESULT          where the result JSON goes (default .data/content-check.json),
 *                                 read by the instructor pages
 * --exact makes each filter match a whole lesson key only (the preview's "Check this lesson").
 * --verbose also prints why each starter and wrong answer failed its check (is it failing for the
 * intended reason, with a message that helps?).
 * Exit code 0 when every lesson passed, 1 otherwise. Last line: `content: N passed, M failed`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { contentRoot, formatProblems, readCatalog } from "../lib/content/catalog";
import { lessonContentHash } from "../lib/content/check/content-hash";
import { createCheckRunners } from "../lib/cells/check-runners";
import { checkLesson, type LessonReport } from "../lib/content/check/check-lesson";
import { parseCheckOptions, selectLessons } from "../lib/content/check/options";
import { formatLesson, formatSummary, progressBar, totals } from "../lib/content/check/report";
import { mergeResults } from "../lib/content/check/result-file";

async function main(): Promise<number> {
  const parsed = parseCheckOptions(process.env, process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`content:check: ${parsed.message}`);
    return 2;
  }
  const { options } = parsed;
  const started = Date.now();
  const catalog = readCatalog();
  const ordered = catalog.tracks.flatMap((t) => t.chapters.flatMap((c) => c.lessons));
  const lessons = selectLessons(ordered, options.filters, options.exact);
  // A filtered run stops only for problems in the lessons it checks (or outside any lesson).
  const lessonFiles = new Set(ordered.map((l) => l.file));
  const selectedFiles = new Set(lessons.map((l) => l.file));
  const problems = catalog.problems.filter(
    (p) => options.filters.length === 0 || selectedFiles.has(p.file) || !lessonFiles.has(p.file),
  );
  if (problems.length > 0) {
    console.error(formatProblems(problems));
    console.error(
      `content: ${problems.length} problem(s) in the lesson files; fix them before running cells`,
    );
    // The instructor pages show why these lessons were not run, for this version of each file.
    saveResult(
      lessons
        .filter((l) => problems.some((p) => p.file === l.file))
        .map((l) => invalidLesson(l, problems)),
      ordered.map((l) => l.key),
    );
    console.log(`content: 0 passed, ${lessons.length} failed`);
    return 1;
  }
  if (lessons.length === 0) {
    console.error(`content:check: no lesson matches ${options.filters.join(", ")}`);
    return 2;
  }
  console.log(
    `content:check: ${lessons.length} lessons · tfjs on ${options.backend}, training × ${options.trainingScale} · budget ${options.lessonBudgetMs / 1000} s per lesson`,
  );

  const { runners, close } = createCheckRunners({
    backend: options.backend,
    trainingScale: options.trainingScale,
  });
  const tty = process.stderr.isTTY === true;
  const columns = process.stderr.columns || 100; // 0 under some pseudo-terminals
  const draw = (done: number, label: string) => {
    if (tty)
      process.stderr.write(`\r\x1b[2K${progressBar(done, lessons.length, label, 24, columns)}`);
  };
  const reports: LessonReport[] = [];
  try {
    for (const [i, meta] of lessons.entries()) {
      const entry = catalog.lessons.get(meta.key)!;
      draw(i, meta.key);
      // The version of the file this result is for, read before its cells run (content-hash.ts).
      const contentHash = fileHash(meta.file);
      const checked = await checkLesson(
        { key: meta.key, file: meta.file, cells: entry.parsed.cells, blocks: entry.parsed.blocks },
        runners,
        options.lessonBudgetMs,
        Date,
        (cell) => draw(i, `${meta.key} › ${cell.id}`),
      );
      const report = contentHash === undefined ? checked : { ...checked, contentHash };
      reports.push(report);
      if (tty) process.stderr.write("\r\x1b[2K");
      console.log(formatLesson(report, "content", options.verbose));
    }
  } finally {
    await close().catch(() => {});
  }
  saveResult(
    reports,
    ordered.map((l) => l.key),
  );
  draw(lessons.length, "done");
  if (tty) process.stderr.write("\n");
  console.log(formatSummary(totals(reports, Date.now() - started)));
  return reports.some((r) => r.status === "failed") ? 1 : 0;
}

function fileHash(file: string): string | undefined {
  try {
    return lessonContentHash(readFileSync(path.join(contentRoot(), file), "utf8"));
  } catch {
    return undefined;
  }
}

/** A lesson whose cells were not run because its file has validation problems. */
function invalidLesson(
  lesson: { key: string; file: string },
  problems: { file: string; line: number; message: string }[],
): LessonReport {
  const hash = fileHash(lesson.file);
  return {
    key: lesson.key,
    file: lesson.file,
    ...(hash !== undefined ? { contentHash: hash } : {}),
    cells: [],
    durationMs: 0,
    problems: problems
      .filter((p) => p.file === lesson.file)
      .map((p) => `line ${p.line}: ${p.message} (cells not run until this is fixed)`),
    status: "failed",
    skipped: {},
  };
}

/** Saves the result for the instructor pages; a failure to save never fails the check. */
function saveResult(reports: LessonReport[], knownKeys: string[]): void {
  const file = path.resolve(process.env.CONTENT_CHECK_RESULT ?? ".data/content-check.json");
  try {
    let previous: unknown;
    try {
      previous = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      previous = undefined; // first run, or an unreadable file: start afresh
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      `${JSON.stringify(mergeResults(previous, reports, knownKeys, new Date()), null, 1)}\n`,
    );
  } catch (error) {
    console.error(
      `content:check: could not save the result to ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

main().then(
  (code) => {
    // Pending timers of tfjs and the Bolt server must not keep the process alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 100).unref();
  },
  (error: unknown) => {
    console.error(
      `content:check crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
