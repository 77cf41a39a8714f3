import { describe, expect, it } from "vitest";
import { databaseErrorResponse } from "./database-errors";

// Errors shaped as pg and Prisma's pg adapter throw them (see lib/db/errors.ts).
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("databaseErrorResponse", () => {
  it("answers 422, not a retried 503, for data Postgres can never store", async () => {
    const response = databaseErrorResponse(
      pgError("22P05", "unsupported Unicode escape sequence"),
      "down",
    );
    expect(response?.status).toBe(422);
    expect(response?.headers.get("retry-after")).toBeNull();
    expect((await response!.json()).error).toMatch(/sending it again will not help/);
  });

  it("answers 503 with Retry-After when the database is unreachable or lost the connection", async () => {
    for (const error of [
      pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
      new Error("Connection terminated unexpectedly"),
    ]) {
      const response = databaseErrorResponse(error, "Progress storage is unavailable.");
      expect(response?.status).toBe(503);
      expect(response?.headers.get("retry-after")).toBe("2");
      expect(await response!.json()).toEqual({ error: "Progress storage is unavailable." });
    }
  });

  it("leaves other errors (bugs) to the route's 500", () => {
    expect(databaseErrorResponse(new TypeError("x is undefined"), "down")).toBeNull();
  });
});
