import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetRateLimiters } from "@/lib/auth/rate-limit";
import { startBoltServer, type BoltServer } from "@courses/cypher/bolt";
import { parseNeo4jConfig } from "@/lib/neo4j/config";
import { closeDriver } from "@/lib/neo4j/driver";

// Through the real route handler, the real lesson catalogue (content/) and the embedded Bolt
// server. The session lookup is replaced: `x-test-user` stands in for a session cookie.
vi.mock("@/lib/auth/session", () => ({
  getSessionFromHeaders: async (headers: Headers) => {
    const id = headers.get("x-test-user");
    return id ? { id, email: `${id}@example.test`, name: id, role: "learner" } : null;
  },
}));
const recorded: unknown[] = [];
vi.mock("@/lib/progress/verdicts", () => ({
  recordServerVerdict: async (verdict: unknown) => {
    recorded.push(verdict);
  },
}));

const { POST } = await import("@/app/api/cypher/run/route");

const ORIGIN = "http://localhost:3000";
const LESSON = "graph-queries/first-queries/match-and-return";
const SOLUTION = `MATCH (d:Person)-[:DIRECTED]->(m:Movie {title: "The Matrix"})\nRETURN d.name AS director`;

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return POST(
    new Request(`${ORIGIN}/api/cypher/run`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

let server: BoltServer;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startBoltServer({ port: 0, user: "neo4j", password: "s3cret" });
  // The app's path: NEO4J_* in the environment, the one driver built from them.
  process.env.NEO4J_URI = `bolt://127.0.0.1:${server.port}`;
  process.env.NEO4J_USER = "neo4j";
  process.env.NEO4J_PASSWORD = "s3cret";
  process.env.CYPHER_RATE_LIMIT_PER_MINUTE = "1000";
  resetRateLimiters();
});
afterAll(async () => {
  await closeDriver();
  await server.close();
  process.env = saved;
  resetRateLimiters();
});
beforeEach(() => {
  recorded.length = 0;
});

describe("POST /api/cypher/run", () => {
  it("runs a lesson's cell with the lesson's dataset, replaying the learner's earlier cells", async () => {
    const response = await post({
      lessonKey: LESSON,
      cellId: "keanu-movies",
      code: "MATCH (n:Step) RETURN n.i AS i ORDER BY i",
      previousCells: [{ id: "find-keanu", code: "UNWIND [1, 2] AS i CREATE (:Step {i: i})" }],
    });
    expect(response.status).toBe(200);
    const r = await response.json();
    expect(r.ok).toBe(true);
    expect(r.outputs[0]).toMatchObject({ type: "table", columns: ["i"], rows: [["1"], ["2"]] });
    expect(r.verdict).toBeUndefined();
    const dataset = await (
      await post({
        lessonKey: LESSON,
        cellId: "find-keanu",
        code: "MATCH (m:Movie) RETURN count(m) AS c",
        previousCells: [],
      })
    ).json();
    expect(dataset.outputs[0]).toMatchObject({ rows: [["38"]] });
  });

  it("judges an exercise by the lesson's check: `RETURN true AS pass` fails, the solution passes", async () => {
    const attack = await (
      await post({
        lessonKey: LESSON,
        cellId: "matrix-directors",
        code: "RETURN true AS pass",
        previousCells: [],
        mode: "check",
      })
    ).json();
    expect(attack.verdict).toEqual({
      passed: false,
      message: "Return one column named director (… AS director).",
      verifiedBy: "server",
      recorded: false,
    });
    const solved = await (
      await post({
        lessonKey: LESSON,
        cellId: "matrix-directors",
        code: SOLUTION,
        previousCells: [],
        mode: "check",
      })
    ).json();
    expect(solved.verdict).toMatchObject({ passed: true, verifiedBy: "server" });
    expect(recorded).toEqual([]); // visitors' verdicts are not stored
  });

  it("judges with the lesson's cells above, so an earlier cell cannot empty the graph the check compares with", async () => {
    const wipe = {
      lessonKey: LESSON,
      cellId: "matrix-directors",
      code: "RETURN 1 AS director LIMIT 0",
      previousCells: [{ id: "find-keanu", code: "MATCH (n) DETACH DELETE n" }],
      mode: "check",
    };
    const answer = await (await post(wipe)).json();
    expect(answer.verdict).toMatchObject({ passed: false, verifiedBy: "server" });
  });

  it("records a signed-in learner's verdict itself", async () => {
    const signedIn = { "x-test-user": "ada" };
    const fail = await (
      await post(
        {
          lessonKey: LESSON,
          cellId: "matrix-directors",
          code: "RETURN true AS pass",
          previousCells: [],
          mode: "check",
        },
        signedIn,
      )
    ).json();
    const pass = await (
      await post(
        {
          lessonKey: LESSON,
          cellId: "matrix-directors",
          code: SOLUTION,
          previousCells: [],
          mode: "check",
        },
        signedIn,
      )
    ).json();
    expect([fail.verdict.recorded, pass.verdict.recorded]).toEqual([true, true]);
    expect(recorded).toEqual([
      {
        userId: "ada",
        lessonKey: LESSON,
        cellId: "matrix-directors",
        passed: false,
        durationMs: expect.any(Number),
        errorMessage: expect.stringMatching(/column named director/),
      },
      {
        userId: "ada",
        lessonKey: LESSON,
        cellId: "matrix-directors",
        passed: true,
        durationMs: expect.any(Number),
        errorMessage: undefined,
      },
    ]);
  });

  it("refuses a check sent by the browser, unknown lessons and cells, and checks of plain cells", async () => {
    const withCheck = await post({
      lessonKey: LESSON,
      cellId: "matrix-directors",
      code: "RETURN 1",
      previousCells: [],
      mode: "check",
      check: "RETURN true AS pass",
    });
    expect(withCheck.status).toBe(422);
    expect((await withCheck.json()).fieldErrors["(body)"]).toEqual([
      expect.stringMatching(/check/),
    ]);

    const noLesson = await post({
      lessonKey: "sec/x/y",
      cellId: "matrix-directors",
      code: "RETURN 1",
      previousCells: [],
    });
    expect(noLesson.status).toBe(404);
    expect(await noLesson.json()).toEqual({ error: 'There is no lesson "sec/x/y".' });

    const noCell = await post({
      lessonKey: LESSON,
      cellId: "made-up",
      code: "RETURN 1",
      previousCells: [],
      mode: "check",
    });
    expect(noCell.status).toBe(404);
    expect((await noCell.json()).error).toMatch(/has no cell "made-up"/);

    const plain = await post({
      lessonKey: LESSON,
      cellId: "find-keanu",
      code: "RETURN true AS pass",
      previousCells: [],
      mode: "check",
    });
    expect(plain.status).toBe(422);
    expect((await plain.json()).error).toMatch(/not an exercise/);

    const strangerAbove = await post({
      lessonKey: LESSON,
      cellId: "find-keanu",
      code: "RETURN 1",
      previousCells: [{ id: "keanu-movies", code: "MATCH (n) DETACH DELETE n" }],
    });
    expect(strangerAbove.status).toBe(422);
    expect((await strangerAbove.json()).error).toMatch(/not a Cypher cell above "find-keanu"/);
  });

  it("answers malformed requests with 4xx, never 500", async () => {
    expect((await post("{not json")).status).toBe(422);
    expect((await post("null")).status).toBe(422);
    const wrong = await post({ lessonKey: "", cellId: "x", code: 1, previousCells: "no" });
    expect(wrong.status).toBe(422);
    expect(Object.keys((await wrong.json()).fieldErrors).sort()).toEqual([
      "code",
      "lessonKey",
      "previousCells",
    ]);
    expect(
      (
        await post({
          lessonKey: LESSON,
          cellId: "find-keanu",
          code: "x".repeat(50_001),
          previousCells: [],
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await post(
          { lessonKey: LESSON, cellId: "find-keanu", code: "RETURN 1", previousCells: [] },
          { origin: "http://evil.example" },
        )
      ).status,
    ).toBe(403);
    expect((await post("x".repeat(1_000_001))).status).toBe(413);
  });
});

describe("POST /api/cypher/run rate limit", () => {
  it("refuses a flood of runs from one client with 429 and Retry-After", async () => {
    process.env.CYPHER_RATE_LIMIT_PER_MINUTE = "50";
    resetRateLimiters();
    try {
      const responses = await Promise.all(
        Array.from({ length: 80 }, () =>
          post({ lessonKey: LESSON, cellId: "find-keanu", code: "", previousCells: [] }),
        ),
      );
      const limited = responses.filter((r) => r.status === 429);
      expect(limited.length).toBe(80 - 50);
      expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await limited[0]!.json()).error).toMatch(
        /^Too many Cypher runs in a short time; try again in \d+ s\.$/,
      );
    } finally {
      process.env.CYPHER_RATE_LIMIT_PER_MINUTE = "1000";
      resetRateLimiters();
    }
  });
});

describe("parseNeo4jConfig", () => {
  it("defaults the user and rejects URIs that are not Bolt", () => {
    expect(parseNeo4jConfig({})).toEqual({
      uri: undefined,
      user: "neo4j",
      password: undefined,
      database: undefined,
    });
    expect(
      parseNeo4jConfig({ NEO4J_URI: "neo4j+s://x.databases.neo4j.io", NEO4J_PASSWORD: "p" }).uri,
    ).toBe("neo4j+s://x.databases.neo4j.io");
    expect(() => parseNeo4jConfig({ NEO4J_URI: "http://localhost:7474" })).toThrow(/NEO4J_URI/);
    expect(parseNeo4jConfig({ NEO4J_URI: "" }).uri).toBeUndefined();
  });
});
