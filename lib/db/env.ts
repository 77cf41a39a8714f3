import "server-only";
import { z } from "zod";

// The database's environment, parsed once. A `schema` query parameter in DATABASE_URL (Prisma's
// convention) selects a Postgres schema other than `public`; tests use it to isolate each run.
const dbEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine(
      (value) => /^postgres(ql)?:\/\//.test(value),
      "DATABASE_URL must start with postgres:// or postgresql://",
    )
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).optional(),
  DATABASE_MIGRATE_ON_START: z.enum(["true", "false"]).default("true"),
});

export type DbEnv = {
  /** undefined: no external database; the embedded one is started instead. */
  databaseUrl: string | undefined;
  poolMax: number | undefined;
  migrateOnStart: boolean;
};

export function readDbEnv(env: Record<string, string | undefined> = process.env): DbEnv {
  const parsed = dbEnvSchema.safeParse({ ...env, DATABASE_URL: env.DATABASE_URL || undefined });
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`Invalid database configuration: ${detail}`);
  }
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    poolMax: parsed.data.DATABASE_POOL_MAX,
    migrateOnStart: parsed.data.DATABASE_MIGRATE_ON_START === "true",
  };
}

export type ConnectionTarget = { connectionString: string; schema: string | undefined };

/** Splits Prisma's `?schema=` parameter off a URL, because `pg` would send it to the server. */
export function parseConnectionTarget(url: string): ConnectionTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid schema name in DATABASE_URL: ${schema}`);
  }
  return { connectionString: parsed.toString(), schema };
}
