import { open, readFile, unlink } from "node:fs/promises";

// One process at a time opens the embedded database's data directory: a second PGlite on the
// same files (the app, and `npm run user:role` while the app runs) hangs or corrupts it. The
// owner writes its pid to `<data dir>.pid`; a lock whose process is gone is taken over.

export class EmbeddedDatabaseBusy extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another process (pid ${pid}), usually the running app. Stop that process first.`,
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock for `dataDir` (absolute) and returns its release; throws EmbeddedDatabaseBusy. */
export async function lockEmbeddedDatabase(dataDir: string): Promise<() => Promise<void>> {
  const file = `${dataDir}.pid`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid))
        throw new EmbeddedDatabaseBusy(dataDir, pid);
      // Left by a process that is gone (or by this one): take it over.
      await unlink(file).catch(() => undefined);
    }
  }
  return async () => {
    const owner = await readFile(file, "utf8").catch(() => "");
    if (owner.trim() === String(process.pid)) await unlink(file).catch(() => undefined);
  };
}
