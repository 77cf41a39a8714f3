/**
 * `--data <dir>` persistence: a snapshot (graph.json) plus a commit log (commits.log, one JSON
 * delta per line). A commit is acknowledged only after its log line is fsynced; a crash can leave
 * at most a torn last line, which loading ignores (and cuts off). The snapshot is replaced
 * atomically (temp file, fsync, rename, fsync of the folder) and then the log is emptied; a
 * crash in between replays deltas the snapshot already holds, which is harmless (deltas carry
 * whole records).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { CypherDatabase } from "../database";
import type { GraphDelta } from "../graph";
import { deltaFromJson, deltaToJson } from "../snapshot";

const SNAPSHOT_FILE = "graph.json";
export const LOG_FILE = "commits.log";

const LogLine = z.object({ c: z.number().int(), d: z.unknown() });

export function loadDatabase(dataDir: string): CypherDatabase {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SNAPSHOT_FILE);
  let db = new CypherDatabase();
  let last = 0;
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    try {
      const raw: unknown = JSON.parse(text);
      db = CypherDatabase.fromSnapshot(raw);
      last = z.object({ lastCommit: z.number().int().optional() }).parse(raw).lastCommit ?? 0;
    } catch (e) {
      throw new Error(
        `Cannot read the graph snapshot ${file}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const log = join(dataDir, LOG_FILE);
  if (!existsSync(log)) return db;
  const buf = readFileSync(log);
  let good = 0;
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
    let line;
    try {
      line = LogLine.parse(JSON.parse(buf.subarray(start, nl).toString("utf8")));
    } catch {
      break; // torn or damaged: nothing after it was acknowledged
    }
    if (line.c > last) db.graph.applyDelta(deltaFromJson(line.d));
    good = start = nl + 1;
  }
  if (good < buf.length) {
    const fd = openSync(log, "r+");
    ftruncateSync(fd, good);
    fsyncSync(fd);
    closeSync(fd);
  }
  return db;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    // some platforms cannot open a folder; the rename is still atomic
  }
}

/** Write to a temp file in the same folder, fsync, then rename: a crash leaves the old or the new file, never half of one. */
function saveDatabase(db: CypherDatabase, dataDir: string, lastCommit = 0): void {
  const file = join(dataDir, SNAPSHOT_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeFileSync(fd, JSON.stringify({ ...(db.toSnapshot() as object), lastCommit }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  fsyncDir(dataDir);
}

/** In-process serving (no engine workers): save the whole snapshot after every commit that changed the graph. */
export function persistOnCommit(
  db: CypherDatabase,
  dataDir: string,
  onError: (e: unknown) => void,
): void {
  const previous = db.onCommit;
  db.onCommit = (d) => {
    previous?.(d);
    try {
      saveDatabase(d, dataDir);
      // a log left by a server with engine workers is folded into this snapshot now
      if (existsSync(join(dataDir, LOG_FILE))) unlinkSync(join(dataDir, LOG_FILE));
    } catch (e) {
      onError(e);
    }
  };
}

/** The commit log of a server with engine workers; `append` resolves once the commit is on disk. */
export class CommitLog {
  private handle: FileHandle | undefined;
  private lines = 0;

  constructor(
    private readonly dataDir: string,
    private readonly db: () => CypherDatabase,
    /** Fold the log into a new snapshot after this many commits. */
    private readonly compactEvery = 5_000,
  ) {}

  async append(version: number, delta: GraphDelta): Promise<void> {
    this.handle ??= await open(join(this.dataDir, LOG_FILE), "a");
    await this.handle.appendFile(JSON.stringify({ c: version, d: deltaToJson(delta) }) + "\n");
    await this.handle.datasync();
    if (++this.lines >= this.compactEvery) await this.compact(version);
  }

  private async compact(version: number): Promise<void> {
    saveDatabase(this.db(), this.dataDir, version);
    await this.handle!.truncate(0);
    await this.handle!.datasync();
    this.lines = 0;
  }

  /** Fold everything into the snapshot and drop the log (replaceDatabase, clean shutdown). */
  async checkpoint(version: number): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    saveDatabase(this.db(), this.dataDir, version);
    if (existsSync(join(this.dataDir, LOG_FILE))) unlinkSync(join(this.dataDir, LOG_FILE));
    fsyncDir(this.dataDir);
    this.lines = 0;
  }
}
