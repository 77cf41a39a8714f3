import type { LessonProgressDto, LessonSummaryDto } from "./dto";
import { catalogMarks, type LessonMark } from "./catalog-marks";
import { createIndexedDbStorage } from "./idb-storage";
import { flushBeforeSignOut, type SignOutFlushResult } from "./flush-before-sign-out";
import { createFetchTransport, Outbox } from "./outbox";
import { createProgressStore, type ProgressStore } from "./store";
import { ANONYMOUS, createMemoryStorage, type Owner, type ProgressStorage } from "./storage";
import type { CellSnapshot } from "./schemas";

// Browser wiring: one outbox per tab on IndexedDB, flushed on changes, when the network comes
// back, and by sendBeacon when the page is hidden. Import only from client components.

const SYNC_URL = "/api/progress/sync";
// A CORS-safelisted type: browsers have refused beacons with other Blob types; the route reads
// the body as JSON whatever the type says.
const BEACON_TYPE = "text/plain;charset=UTF-8";
type BrowserProgress = {
  outbox: Outbox;
  storage: ProgressStorage;
  beforeHide: Set<() => Promise<void>>;
  /** The lesson stores open in this tab (to silence them when their learner signs out). */
  stores: Set<ProgressStore>;
};
let singleton: BrowserProgress | null = null;

/** Takes the server's view of cells after a batch: versions to build on, and winners of conflicts. */
function snapshotApplier(storage: ProgressStorage) {
  return async (owner: Owner, cells: CellSnapshot[]) => {
    for (const snapshot of cells) {
      const local = await storage.getCell(owner, snapshot.lessonKey, snapshot.cellId);
      if (!local) continue;
      const serverNewer =
        (snapshot.codeUpdatedAt ?? -Infinity) > (local.codeUpdatedAt ?? -Infinity);
      await storage.putCell({
        ...local,
        baseVersion: Math.max(local.baseVersion, snapshot.version),
        ...(serverNewer
          ? {
              code: snapshot.code,
              lessonCodeHash: snapshot.lessonCodeHash,
              codeUpdatedAt: snapshot.codeUpdatedAt,
            }
          : {}),
      });
    }
  };
}

export function getBrowserProgress(): BrowserProgress {
  if (singleton) return singleton;
  const storage =
    typeof indexedDB === "undefined" ? createMemoryStorage() : createIndexedDbStorage();
  const outbox = new Outbox({
    storage,
    transport: createFetchTransport({ url: SYNC_URL }),
    onSnapshots: snapshotApplier(storage),
  });
  const beforeHide = new Set<() => Promise<void>>();
  singleton = { outbox, storage, beforeHide, stores: new Set() };
  if (typeof window !== "undefined") {
    let hiding: Promise<void> | null = null;
    // Debounced edits go to the outbox first (a few ms of IndexedDB), then one beacon; its
    // answer is unreadable, so the next flush resends and the server skips what it has. The
    // edits were kept in IndexedDB as "dirty" at each keystroke, so a page torn down before
    // this finishes loses nothing either: the next visit of the lesson sends them.
    const hide = () => {
      hiding ??= commitAll(beforeHide)
        .then(() => outbox.pending())
        .then(() => {
          const sent = outbox.beaconPending((body) =>
            navigator.sendBeacon(SYNC_URL, new Blob([body], { type: BEACON_TYPE })),
          );
          if (sent === 0) void outbox.flush();
        })
        .finally(() => {
          hiding = null;
        });
    };
    window.addEventListener("online", () => void outbox.flush());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "hidden") return void outbox.flush();
      hide();
    });
    // Some navigations (and Safari's tab closing) fire pagehide without visibilitychange.
    window.addEventListener("pagehide", hide);
  }
  return singleton;
}

function commitAll(hooks: Set<() => Promise<void>>): Promise<void> {
  return Promise.all([...hooks].map((hook) => hook().catch(() => undefined))).then(() => undefined);
}

/**
 * Before the session ends: debounced edits into the outbox and the outbox to the server, for
 * `userId` (the account signing out), bounded in time. What could not be sent stays here.
 */
export async function flushProgressBeforeSignOut(
  userId: string | null,
): Promise<SignOutFlushResult> {
  const { outbox, beforeHide } = getBrowserProgress();
  if (userId && outbox.getOwner() !== userId) await outbox.setOwner(userId);
  return flushBeforeSignOut({
    commitEdits: () => commitAll(beforeHide),
    flush: () => outbox.flush(),
    remaining: async () => (await outbox.pending()).length + outbox.heldCount(),
  });
}

/**
 * After a sign-out (shared computers): everything this browser keeps for `userId` — code,
 * outputs, where they were, and the outbox — is deleted. Their work is on the server (the
 * sign-out flushed it first, or the learner chose to let the rest go); anonymous work and
 * other accounts' copies are not touched.
 */
export async function clearLearnerFromThisBrowser(userId: string): Promise<void> {
  const { outbox, storage, stores } = getBrowserProgress();
  await Promise.all([...stores].map((store) => store.discardFor(userId)));
  await storage.deleteOwner(userId);
  if (outbox.getOwner() === userId) await outbox.setOwner(null);
  else await outbox.pending(); // recount what waits
}

async function fetchLessonProgress(lessonKey: string): Promise<LessonProgressDto | null> {
  const response = await fetch(`/api/progress?lesson=${encodeURIComponent(lessonKey)}`, {
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!response.ok) return null;
  return (await response.json()) as LessonProgressDto;
}

/**
 * The notebook's entry point: progress of one lesson for the signed-in user (userId) or an
 * anonymous learner (null), whose work joins the account when they sign in.
 */
export function createLessonProgress(
  lessonKey: string,
  lessonCode: Record<string, string>,
  userId: string | null | Promise<string | null>,
): ProgressStore {
  const { outbox, storage, beforeHide, stores } = getBrowserProgress();
  const store = createProgressStore({
    lessonKey,
    lessonCode,
    userId,
    outbox,
    storage,
    fetchProgress: fetchLessonProgress,
  });
  const commit = () => store.commitEdits();
  beforeHide.add(commit);
  stores.add(store);
  const dispose = store.dispose.bind(store);
  return {
    ...store,
    dispose() {
      beforeHide.delete(commit);
      dispose();
      // Listed until its last writes are done: a sign-out meanwhile waits for them (discardFor).
      void store.commitEdits().finally(() => stores.delete(store));
    },
  };
}

/** The catalogue's marks for the signed-in user (userId) or an anonymous learner (null). */
export async function loadCatalogMarks(userId: string | null): Promise<Record<string, LessonMark>> {
  const { storage, outbox: tabOutbox } = getBrowserProgress();
  const owner = userId ?? ANONYMOUS;
  // Changes kept at a sign-out that could not wait for them go out once the learner is back.
  if (userId && tabOutbox.getOwner() !== userId) void tabOutbox.setOwner(userId);
  const [mine, anonymous, outbox, server] = await Promise.all([
    storage.listLessons(owner),
    userId ? storage.listLessons(ANONYMOUS) : Promise.resolve([]),
    storage.listMutations(),
    userId ? fetchCatalogProgress() : Promise.resolve(null),
  ]);
  const pendingLessons = new Set(
    outbox
      .filter((entry) => entry.owner === owner && entry.mutation.kind === "lesson")
      .map((entry) => entry.mutation.lessonKey),
  );
  return catalogMarks({ owner, local: [...anonymous, ...mine], server, pendingLessons });
}

async function fetchCatalogProgress(): Promise<LessonSummaryDto[] | null> {
  try {
    const response = await fetch("/api/progress/lessons", {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) return null;
    return ((await response.json()) as { lessons: LessonSummaryDto[] }).lessons;
  } catch {
    return null;
  }
}
