import "server-only";
import { contentRoot, getCatalog, type Catalog } from "@/lib/content/catalog";
import { isLessonComplete } from "@/lib/notebook/completion";
import type { CellKind } from "@/lib/notebook/types";
import type { SyncMutation } from "./schemas";
import { passCounts, type Verification } from "./verification";

// What the sync path needs to know about the course: which lessons exist, their cells, each
// cell's kind and role. Built once from the catalogue and kept in memory, so refusing an unknown
// key costs two Map lookups and no file reads per request.

type IndexedCell = { kind: CellKind; role: "cell" | "exercise" };
export type IndexedLesson = { cells: ReadonlyMap<string, IndexedCell> };
/** lessonKey → its cells, in lesson order. */
export type LessonIndex = ReadonlyMap<string, IndexedLesson>;

type CellLike = { id: string; kind: CellKind; role: "cell" | "exercise" };

/** An index from plain data (tests, scripts): `{ "t/c/l": [{ id, kind, role }] }`. */
export function lessonIndexFrom(lessons: Record<string, CellLike[]>): LessonIndex {
  return new Map(
    Object.entries(lessons).map(([key, cells]) => [
      key,
      { cells: new Map(cells.map((c) => [c.id, { kind: c.kind, role: c.role }])) },
    ]),
  );
}

function lessonIndexOfCatalog(catalog: Pick<Catalog, "lessons">): LessonIndex {
  return new Map(
    [...catalog.lessons].map(([key, { parsed }]) => [
      key,
      { cells: new Map(parsed.cells.map((c) => [c.id, { kind: c.kind, role: c.role }])) },
    ]),
  );
}

// Production content never changes under a running server (lesson pages are built statically),
// so the index is built once. In development the catalogue is re-read at most every few seconds,
// so an author's edit reaches sync without a restart but no request pays for a full re-read.
const DEV_REFRESH_MS = 5_000;
let cached: { root: string; builtAt: number; index: LessonIndex } | null = null;

/** The real catalogue's index (cached). Throws when the content is invalid and nothing is cached. */
export function catalogLessonIndex(now: number = Date.now()): LessonIndex {
  const root = contentRoot();
  const fresh =
    cached !== null &&
    cached.root === root &&
    (process.env.NODE_ENV === "production" || now - cached.builtAt < DEV_REFRESH_MS);
  if (cached && fresh) return cached.index;
  try {
    cached = { root, builtAt: now, index: lessonIndexOfCatalog(getCatalog()) };
  } catch (error) {
    // An author's half-saved file must not stop learners' sync: keep the last good index.
    if (!cached || cached.root !== root) throw error;
    cached = { ...cached, builtAt: now };
  }
  return cached.index;
}

let testIndex: LessonIndex | null = null;

/**
 * For tests that reach sync through the HTTP route and so cannot hand it an index: sync and
 * verdicts use these lessons until reset with null. Refused in production.
 */
export function setLessonIndexForTests(index: LessonIndex | null): void {
  if (process.env.NODE_ENV === "production")
    throw new Error("setLessonIndexForTests is for tests only");
  testIndex = index;
}

/** The index sync and verdicts use when not given one: the catalogue's (or a test's). */
export function defaultLessonIndex(now: number = Date.now()): LessonIndex {
  return testIndex ?? catalogLessonIndex(now);
}

/**
 * Field errors for mutations naming a lesson or cell the catalogue does not have, keyed like
 * zod's ("mutations.3.cellId"), so the outbox can set aside exactly those mutations. A lesson
 * renamed or removed after the learner's change was queued is refused the same way: its work
 * has nowhere to go, and the learner is shown it rather than have it vanish silently.
 */
export function unknownKeyErrors(
  mutations: readonly Pick<SyncMutation, "lessonKey" | "cellId">[],
  index: LessonIndex,
): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  mutations.forEach((mutation, i) => {
    const lesson = index.get(mutation.lessonKey);
    if (!lesson) {
      errors[`mutations.${i}.lessonKey`] = [
        `no lesson '${mutation.lessonKey}' in the catalogue (renamed or removed?)`,
      ];
    } else if (!lesson.cells.has(mutation.cellId)) {
      errors[`mutations.${i}.cellId`] = [
        `no cell '${mutation.cellId}' in lesson '${mutation.lessonKey}'`,
      ];
    }
  });
  return errors;
}

/** What the server's own records say about one lesson of one learner. */
export type CompletionEvidence = {
  /** cellId → the verifications of its passing attempts. */
  passes: ReadonlyMap<string, ReadonlySet<Verification>>;
  /** Cells whose latest run finished without an error. */
  runOk: ReadonlySet<string>;
};

/**
 * Why a lesson does not count as completed yet (null: it does). The rule is the notebook's
 * (lib/notebook/completion.ts), applied to passes the server trusts: a Cypher or Rust exercise
 * needs a server-checked pass, a tfjs exercise a self-reported one.
 */
export function completionShortfall(
  lesson: IndexedLesson,
  evidence: CompletionEvidence,
): string | null {
  const cells = [...lesson.cells].map(([id, cell]) => ({ id, ...cell }));
  const passed = new Set(
    cells
      .filter((c) => [...(evidence.passes.get(c.id) ?? [])].some((v) => passCounts(c.kind, v)))
      .map((c) => c.id),
  );
  if (isLessonComplete(cells, passed, evidence.runOk)) return null;
  if (cells.length === 0) return "the lesson has no cells to complete";
  const exercises = cells.filter((c) => c.role === "exercise");
  const list = (ids: string[]) =>
    ids
      .slice(0, 5)
      .map((id) => `'${id}'`)
      .join(", ") + (ids.length > 5 ? ", …" : "");
  if (exercises.length > 0) {
    return `not every exercise has a pass the server accepts (missing: ${list(exercises.filter((c) => !passed.has(c.id)).map((c) => c.id))}); Cypher and Rust passes must come from the server's own check`;
  }
  return `not every cell has run without an error (missing: ${list(cells.filter((c) => !evidence.runOk.has(c.id)).map((c) => c.id))})`;
}
