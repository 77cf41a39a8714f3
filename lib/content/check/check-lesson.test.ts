import { describe, expect, it } from "vitest";
import { parseLesson } from "../parse-lesson";
import { checkLesson, type CellContext, type KindRunner, type Runners } from "./check-lesson";

/**
 * A fake runtime for a toy language: a cell "defines" names by `let x = <n>`; a check
 * `expect x = <n>` passes when the last definition of x (across the lesson so far) is n.
 */
function toyRunner(log: string[]): KindRunner {
  const state = new Map<string, string>();
  const exec = (code: string): { ok: boolean; message?: string } => {
    if (code.includes("throw")) return { ok: false, message: "thrown" };
    for (const m of code.matchAll(/let (\w+) = (\w+)/g)) state.set(m[1]!, m[2]!);
    return { ok: true };
  };
  return {
    unavailable: () => null,
    async startLesson(key) {
      log.push(`start ${key}`);
      state.clear();
    },
    async endLesson(key) {
      log.push(`end ${key}`);
    },
    async run(c: CellContext) {
      log.push(`run ${c.cells[c.index]!.id}: ${c.code}`);
      return exec(c.code);
    },
    async check(c) {
      log.push(`check ${c.cells[c.index]!.id}: ${c.code}`);
      const ran = exec(c.code);
      if (!ran.ok) return ran;
      const m = /expect (\w+) = (\w+)/.exec(c.check);
      return state.get(m?.[1] ?? "") === m?.[2] ? { ok: true } : { ok: false, message: `${m?.[1]} is ${state.get(m?.[1] ?? "")}` };
    },
  };
}

const unavailable: KindRunner = {
  unavailable: () => "no toolchain here",
  run: () => Promise.reject(new Error("must not run")),
  check: () => Promise.reject(new Error("must not run")),
};

function lessonOf(body: string) {
  const parsed = parseLesson(`---\ntitle: T\nsummary: S\nminutes: 5\n---\n\n${body}`);
  return { key: "t/c/l", file: "t/01-c/01-l.md", cells: parsed.cells, blocks: parsed.blocks };
}

const fence = (info: string, code: string) => "```" + info + "\n" + code + "\n```\n\n";

const good = lessonOf(
  fence("tfjs id=setup", "let a = 1") +
    fence("tfjs id=ex exercise", "let b = 0") +
    fence("tfjs id=ex solution", "let b = 2") +
    fence("tfjs id=ex check", "expect b = 2") +
    fence("tfjs id=ex wrong", "let b = 3") +
    fence("tfjs id=ex wrong", "let b = 20") +
    fence("tfjs id=after", "let c = 3"),
);

const withWrong = (...answers: string[]) => answers.map((a) => fence("tfjs id=ex wrong", a)).join("");

const clock = (step = 1) => {
  let t = 0;
  return { now: () => (t += step) };
};

describe("checkLesson", () => {
  it("runs cells in order: starter and wrong answers must fail, solution must pass, then the solution stands", async () => {
    const log: string[] = [];
    const runner = toyRunner(log);
    const report = await checkLesson(good, { tfjs: runner, cypher: unavailable, rust: unavailable } satisfies Runners, 60_000, clock());
    expect(report.status).toBe("passed");
    expect(report.cells.map((c) => [c.id, c.status])).toEqual([
      ["setup", "passed"],
      ["ex", "passed"],
      ["after", "passed"],
    ]);
    expect(report.cells[1]?.starterFailure).toBe("b is 0");
    expect(report.cells[1]?.wrongFailures).toEqual([
      { line: 23, message: "b is 3" },
      { line: 27, message: "b is 20" },
    ]);
    expect(log).toEqual([
      "start t/c/l",
      "run setup: let a = 1",
      "check ex: let b = 0",
      "check ex: let b = 3",
      "check ex: let b = 20",
      "check ex: let b = 2",
      "run after: let c = 3",
      "end t/c/l",
    ]);
  });

  it("fails an exercise whose check accepts one of its wrong answers, naming its line", async () => {
    const lesson = lessonOf(
      fence("tfjs id=ex exercise", "let b = 0") + fence("tfjs id=ex solution", "let b = 2") + fence("tfjs id=ex check", "expect b = 2") + withWrong("let b = 7", "let c = 1\nlet b = 2"),
    );
    const report = await checkLesson(lesson, { tfjs: toyRunner([]), cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.cells[0]?.problems).toEqual(["the wrong answer at line 23 passes the check (make the check reject it)"]);
  });

  it("fails an exercise with fewer than two wrong answers", async () => {
    const lesson = lessonOf(fence("tfjs id=ex exercise", "let b = 0") + fence("tfjs id=ex solution", "let b = 2") + fence("tfjs id=ex check", "expect b = 2") + withWrong("let b = 7"));
    const report = await checkLesson(lesson, { tfjs: toyRunner([]), cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.cells[0]?.problems).toEqual([expect.stringMatching(/lists 1 wrong answer\(s\); add at least 2 \(`tfjs id=ex wrong` blocks\)/)]);
  });

  it("fails a lesson whose starter already passes", async () => {
    const lesson = lessonOf(fence("tfjs id=ex exercise", "let b = 2") + fence("tfjs id=ex solution", "let b = 2") + fence("tfjs id=ex check", "expect b = 2") + withWrong("let b = 1", "let b = 3"));
    const report = await checkLesson(lesson, { tfjs: toyRunner([]), cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.cells[0]?.problems).toEqual([expect.stringMatching(/starter already passes/)]);
  });

  it("fails a wrong solution and a plain cell that throws, with the runtime's message", async () => {
    const lesson = lessonOf(
      fence("tfjs id=boom", "throw") +
        fence("tfjs id=ex exercise", "let b = 0") +
        fence("tfjs id=ex solution", "let b = 5") +
        fence("tfjs id=ex check", "expect b = 2") +
        withWrong("let b = 1", "let b = 3"),
    );
    const report = await checkLesson(lesson, { tfjs: toyRunner([]), cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.cells[0]?.problems).toEqual(["cell does not run: thrown"]);
    expect(report.cells[1]?.problems).toEqual(["the solution fails its check (check at line 19): b is 5"]);
    // At the solution's own line, not the exercise's.
    expect(report.cells[1]?.problemLines).toEqual([15]);
  });

  it("blames a check that cannot run on the check, at its line, not on the solution or starter", async () => {
    const lesson = lessonOf(fence("tfjs id=ex exercise", "let b = 0") + fence("tfjs id=ex solution", "let b = 2") + fence("tfjs id=ex check", "RETRUN b") + withWrong("let b = 1", "let b = 3"));
    const broken: KindRunner = {
      ...toyRunner([]),
      check: async (c) => (c.check.includes("RETRUN") ? { ok: false, message: "SyntaxError: Invalid input 'RETRUN'", failed: "check-error" } : { ok: true }),
    };
    const report = await checkLesson(lesson, { tfjs: broken, cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.cells[0]?.problems).toEqual(["the check itself does not run: SyntaxError: Invalid input 'RETRUN'"]);
    expect(report.cells[0]?.problemLines).toEqual([15]);
    expect(report.cells[0]?.starterFailure).toBeUndefined();
    expect(report.cells[0]?.wrongFailures).toBeUndefined();
  });

  it("says the solution does not run (at its line) when its own code fails", async () => {
    const lesson = lessonOf(fence("tfjs id=ex exercise", "let b = 0") + fence("tfjs id=ex solution", "let b = 2") + fence("tfjs id=ex check", "expect b = 2") + withWrong("let b = 1", "let b = 3"));
    const runner: KindRunner = {
      ...toyRunner([]),
      check: async (c) => (c.code === "let b = 2" ? { ok: false, message: "the exercise threw TypeError", failed: "code" } : { ok: false, message: "b is wrong", failed: "check" }),
    };
    const report = await checkLesson(lesson, { tfjs: runner, cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.cells[0]?.problems).toEqual(["the solution does not run: the exercise threw TypeError"]);
    expect(report.cells[0]?.problemLines).toEqual([11]);
  });

  it("flags a check that tells a passing solution what it tells a wrong answer", async () => {
    const lesson = lessonOf(fence("cypher id=ex exercise", "x") + fence("cypher id=ex solution", "y") + fence("cypher id=ex check", "c") + withWrong("a", "b").replaceAll("tfjs", "cypher"));
    const runner: KindRunner = {
      unavailable: () => null,
      run: async () => ({ ok: true }),
      check: async (c) =>
        c.code === "y"
          ? { ok: true, passMessage: "Right movies, but sort them." }
          : { ok: false, message: c.code === "b" ? "CheckFailed: Right movies, but sort them." : "CheckFailed: no", failed: "check" },
    };
    const report = await checkLesson(lesson, { tfjs: unavailable, cypher: runner, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.cells[0]?.problems).toEqual([expect.stringMatching(/^the check passes the solution with the same message it gives a wrong answer: "Right movies, but sort them\."/)]);
    expect(report.cells[0]?.problemLines).toEqual([15]);
    // A success text of its own ("Right: …") is fine.
    const fine: KindRunner = { ...runner, check: async (c) => (c.code === "y" ? { ok: true, passMessage: "Right: 4 movies." } : { ok: false, message: "CheckFailed: no", failed: "check" }) };
    expect((await checkLesson(lesson, { tfjs: unavailable, cypher: fine, rust: unavailable }, 60_000, clock())).status).toBe("passed");
  });

  it("reports an exercise without a solution", async () => {
    const lesson = lessonOf(fence("tfjs id=ex exercise", "let b = 0") + fence("tfjs id=ex check", "expect b = 2") + withWrong("let b = 1", "let b = 3"));
    const report = await checkLesson(lesson, { tfjs: toyRunner([]), cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.cells[0]?.problems).toEqual(["exercise has no solution block"]);
  });

  it("skips kinds whose runtime is unavailable and says why", async () => {
    const lesson = lessonOf(fence("rust id=r", "fn main() {}"));
    const report = await checkLesson(lesson, { tfjs: toyRunner([]), cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("skipped");
    expect(report.skipped).toEqual({ rust: "no toolchain here" });
    expect(report.cells[0]?.status).toBe("skipped");
  });

  it("stops a lesson that runs over its budget", async () => {
    const log: string[] = [];
    const report = await checkLesson(good, { tfjs: toyRunner(log), cypher: unavailable, rust: unavailable }, 5, clock(3));
    expect(report.status).toBe("failed");
    expect(report.problems).toEqual([expect.stringMatching(/over the time budget: .* before cell "ex"/)]);
    expect(report.cells.map((c) => c.id)).toEqual(["setup"]);
    expect(log.at(-1)).toBe("end t/c/l");
  });

  it("turns a crashing runner into a problem, not a crash", async () => {
    const crashing: KindRunner = { unavailable: () => null, run: () => Promise.reject(new Error("engine died")), check: () => Promise.reject(new Error("x")) };
    const report = await checkLesson(good, { tfjs: crashing, cypher: unavailable, rust: unavailable }, 60_000, clock());
    expect(report.status).toBe("failed");
    expect(report.problems).toEqual(["the check crashed: engine died"]);
  });
});
