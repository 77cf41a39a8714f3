import type {
  LocalCell,
  LocalOutputs,
  LocalLesson,
  OutboxEntry,
  Owner,
  ParkedInfo,
  ProgressStorage,
} from "./storage";
import type { SyncMutation } from "./schemas";

// IndexedDB storage for the browser. One database for all lessons; the outbox is ordered by an
// auto-increment sequence so mutations replay in the order they happened.

const DB_NAME = "courses-progress";
// 2: a "lessons" store (where the learner is in each lesson, for resume and the catalogue).
// 3: an "outputs" store (each cell's last outputs, kept in this browser only).
const DB_VERSION = 3;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

function open(factory: IDBFactory, onClosed: () => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("outbox")) {
        const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        outbox.createIndex("id", "id", { unique: true });
      }
      if (!db.objectStoreNames.contains("cells")) {
        const cells = db.createObjectStore("cells", { keyPath: ["owner", "lessonKey", "cellId"] });
        cells.createIndex("lesson", ["owner", "lessonKey"]);
      }
      if (!db.objectStoreNames.contains("lessons")) {
        const lessons = db.createObjectStore("lessons", { keyPath: ["owner", "lessonKey"] });
        lessons.createIndex("owner", "owner");
      }
      if (!db.objectStoreNames.contains("outputs")) {
        const outputs = db.createObjectStore("outputs", {
          keyPath: ["owner", "lessonKey", "cellId"],
        });
        outputs.createIndex("lesson", ["owner", "lessonKey"]);
      }
    };
    req.onsuccess = () => {
      // A newer version opened in another tab: let it upgrade (this tab reopens on next use).
      req.result.onversionchange = () => {
        req.result.close();
        onClosed();
      };
      resolve(req.result);
    };
    req.onerror = () => reject(req.error ?? new Error("IndexedDB could not be opened"));
    req.onblocked = () =>
      reject(new Error("IndexedDB is blocked by another tab with an older version"));
  });
}

type StoredEntry = {
  seq?: number;
  id: string;
  owner: Owner;
  mutation: SyncMutation;
  parked?: ParkedInfo;
};

export function createIndexedDbStorage(
  factory: IDBFactory = indexedDB,
  keyRange: typeof IDBKeyRange = globalThis.IDBKeyRange,
): ProgressStorage {
  // Every key that starts with `prefix` in a store keyed by arrays ([owner, lessonKey, …]): in
  // IndexedDB's order an array sorts after every string, so `[...prefix, []]` closes the range.
  const startingWith = (prefix: string[]) => keyRange.bound(prefix, [...prefix, []]);
  let dbPromise: Promise<IDBDatabase> | null = null;
  const db = () =>
    (dbPromise ??= open(factory, () => {
      dbPromise = null;
    }));
  return {
    async addMutation(owner, mutation) {
      const tx = (await db()).transaction("outbox", "readwrite");
      const entry: StoredEntry = { id: mutation.id, owner, mutation };
      tx.objectStore("outbox").add(entry);
      await done(tx);
    },
    async listMutations() {
      const tx = (await db()).transaction("outbox", "readonly");
      const rows = (await request(tx.objectStore("outbox").getAll())) as Required<StoredEntry>[];
      return rows.map((row): OutboxEntry => ({
        seq: row.seq,
        owner: row.owner,
        mutation: row.mutation,
        ...(row.parked ? { parked: row.parked } : {}),
      }));
    },
    async deleteMutations(ids) {
      if (ids.length === 0) return;
      const tx = (await db()).transaction("outbox", "readwrite");
      const store = tx.objectStore("outbox");
      const index = store.index("id");
      for (const id of ids) {
        const req = index.getKey(id);
        req.onsuccess = () => {
          if (req.result !== undefined) store.delete(req.result);
        };
      }
      await done(tx);
    },
    async parkMutations(ids, parked) {
      if (ids.length === 0) return;
      const tx = (await db()).transaction("outbox", "readwrite");
      const store = tx.objectStore("outbox");
      const index = store.index("id");
      for (const id of ids) {
        const req = index.get(id);
        req.onsuccess = () => {
          const row = req.result as StoredEntry | undefined;
          if (!row) return;
          const { parked: _old, ...rest } = row;
          store.put(parked ? { ...rest, parked } : rest);
        };
      }
      await done(tx);
    },
    async reassignMutations(from, to) {
      const tx = (await db()).transaction("outbox", "readwrite");
      const store = tx.objectStore("outbox");
      const rows = (await request(store.getAll())) as Required<StoredEntry>[];
      for (const row of rows) if (row.owner === from) store.put({ ...row, owner: to });
      await done(tx);
    },
    async getCell(owner, lessonKey, cellId) {
      const tx = (await db()).transaction("cells", "readonly");
      return (await request(tx.objectStore("cells").get([owner, lessonKey, cellId]))) as
        LocalCell | undefined;
    },
    async putCell(cell) {
      const tx = (await db()).transaction("cells", "readwrite");
      tx.objectStore("cells").put(cell);
      await done(tx);
    },
    async listCells(owner, lessonKey) {
      const tx = (await db()).transaction("cells", "readonly");
      return (await request(
        tx.objectStore("cells").index("lesson").getAll([owner, lessonKey]),
      )) as LocalCell[];
    },
    async deleteCell(owner, lessonKey, cellId) {
      const tx = (await db()).transaction("cells", "readwrite");
      tx.objectStore("cells").delete([owner, lessonKey, cellId]);
      await done(tx);
    },
    async getLesson(owner, lessonKey) {
      const tx = (await db()).transaction("lessons", "readonly");
      return (await request(tx.objectStore("lessons").get([owner, lessonKey]))) as
        LocalLesson | undefined;
    },
    async putLesson(lesson) {
      const tx = (await db()).transaction("lessons", "readwrite");
      tx.objectStore("lessons").put(lesson);
      await done(tx);
    },
    async listLessons(owner) {
      const tx = (await db()).transaction("lessons", "readonly");
      return (await request(
        tx.objectStore("lessons").index("owner").getAll(owner),
      )) as LocalLesson[];
    },
    async deleteLesson(owner, lessonKey) {
      const tx = (await db()).transaction("lessons", "readwrite");
      tx.objectStore("lessons").delete([owner, lessonKey]);
      await done(tx);
    },
    async putOutputs(record: LocalOutputs) {
      const tx = (await db()).transaction("outputs", "readwrite");
      tx.objectStore("outputs").put(record);
      await done(tx);
    },
    async listOutputs(owner, lessonKey) {
      const tx = (await db()).transaction("outputs", "readonly");
      return (await request(
        tx.objectStore("outputs").index("lesson").getAll([owner, lessonKey]),
      )) as unknown[];
    },
    async deleteOutputs(owner, lessonKey, cellId) {
      const tx = (await db()).transaction("outputs", "readwrite");
      tx.objectStore("outputs").delete(
        cellId === null ? startingWith([owner, lessonKey]) : [owner, lessonKey, cellId],
      );
      await done(tx);
    },
    async deleteOwner(owner) {
      // One transaction: a sign-out that clears this browser clears all of it or nothing.
      const tx = (await db()).transaction(["cells", "lessons", "outputs", "outbox"], "readwrite");
      for (const name of ["cells", "lessons", "outputs"])
        tx.objectStore(name).delete(startingWith([owner]));
      const outbox = tx.objectStore("outbox");
      const rows = (await request(outbox.getAll())) as Required<StoredEntry>[];
      for (const row of rows) if (row.owner === owner) outbox.delete(row.seq);
      await done(tx);
    },
  };
}
