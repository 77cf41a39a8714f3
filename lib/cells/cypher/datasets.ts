/** Lesson datasets: content/datasets/<name>.cypher, read once per process. */
import "server-only";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

const DatasetName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "dataset names are lowercase letters, digits and dashes");

const cache = new Map<string, Promise<string>>();

export class UnknownDatasetError extends Error {
  constructor(name: string) {
    super(`There is no dataset named "${name}" (expected content/datasets/${name}.cypher).`);
    this.name = "UnknownDatasetError";
  }
}

function datasetsDir(): string {
  return process.env.COURSES_DATASETS_DIR ?? join(process.cwd(), "content", "datasets");
}

export function loadDataset(name: string, dir = datasetsDir()): Promise<string> {
  const parsed = DatasetName.safeParse(name);
  if (!parsed.success) return Promise.reject(new UnknownDatasetError(name));
  const key = join(dir, `${parsed.data}.cypher`);
  let text = cache.get(key);
  if (!text) {
    text = readFile(key, "utf8").catch(() => {
      cache.delete(key);
      throw new UnknownDatasetError(name);
    });
    cache.set(key, text);
  }
  return text;
}
