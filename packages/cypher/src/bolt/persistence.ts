/** `--data <dir>` persistence: the committed graph as one JSON snapshot, replaced atomically. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CypherDatabase } from "../database";

export const SNAPSHOT_FILE = "graph.json";

export function loadDatabase(dataDir: string): CypherDatabase {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SNAPSHOT_FILE);
  if (!existsSync(file)) return new CypherDatabase();
  const text = readFileSync(file, "utf8");
  try {
    return CypherDatabase.fromSnapshot(JSON.parse(text));
  } catch (e) {
    throw new Error(`Cannot read the graph snapshot ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Write to a temp file in the same folder, then rename: a crash leaves the old or the new file, never half of one. */
export function saveDatabase(db: CypherDatabase, dataDir: string): void {
  const file = join(dataDir, SNAPSHOT_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(db.toSnapshot()));
  renameSync(temp, file);
}

/** Persist after every commit that changed the graph (the engine calls onCommit only then). */
export function persistOnCommit(db: CypherDatabase, dataDir: string, onError: (e: unknown) => void): void {
  const previous = db.onCommit;
  db.onCommit = (d) => {
    previous?.(d);
    try {
      saveDatabase(d, dataDir);
    } catch (e) {
      onError(e);
    }
  };
}
