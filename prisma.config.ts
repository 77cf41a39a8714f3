// Used by the Prisma CLI on a connected machine (`npx prisma migrate deploy`, `prisma studio`).
// The app itself never reads this file: lib/db/env.ts parses DATABASE_URL.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test" },
});
