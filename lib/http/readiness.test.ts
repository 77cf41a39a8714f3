import { describe, expect, it } from "vitest";
import { checkReadiness, describeFailure } from "./readiness";

const never = () => new Promise(() => undefined);

describe("checkReadiness", () => {
  it("is ready when every probe answers", async () => {
    await expect(
      checkReadiness({ db: async () => 1, redis: async () => "PONG" }, 100),
    ).resolves.toEqual({
      ok: true,
      checks: { db: "ok", redis: "ok" },
    });
  });

  it("names the probe that failed and why, and still runs the others", async () => {
    const result = await checkReadiness(
      {
        db: async () => {
          throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
            code: "ECONNREFUSED",
          });
        },
        cypher: async () => "ok",
      },
      100,
    );
    expect(result).toEqual({
      ok: false,
      checks: { db: "failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432", cypher: "ok" },
    });
  });

  it("a probe that hangs fails on its deadline, and the answer comes in time", async () => {
    const started = Date.now();
    const result = await checkReadiness({ cypher: never, db: async () => 1 }, 80);
    expect(Date.now() - started).toBeLessThan(500);
    expect(result).toEqual({
      ok: false,
      checks: { cypher: "failed: no answer within 80 ms", db: "ok" },
    });
  });

  it("a probe that throws synchronously is a failure, not a crash", async () => {
    const result = await checkReadiness(
      {
        cypher: () => {
          throw new Error("No graph database is configured");
        },
      },
      50,
    );
    expect(result.checks.cypher).toBe("failed: No graph database is configured");
  });
});

describe("describeFailure", () => {
  it("never repeats a connection URL, which may hold a password", () => {
    const reason = describeFailure(
      new Error("cannot reach postgresql://app:s3cret@db.internal:5432/courses (timeout)"),
    );
    expect(reason).not.toContain("s3cret");
    expect(reason).toBe("cannot reach [url] (timeout)");
  });

  it("keeps reasons short and on one line", () => {
    expect(describeFailure(new Error(`line one\nline two ${"x".repeat(400)}`))).toMatch(
      /^line one line two x+…$/,
    );
    expect(describeFailure("plain")).toBe("plain");
    expect(describeFailure(42)).toBe("unknown error");
  });
});
