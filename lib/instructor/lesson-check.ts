import "server-only";
import { spawn } from "node:child_process";
import path from "node:path";

// "Check this lesson" in the preview: runs `content:check --exact <key>` — the same script,
// runners and result file as the command line — in a child process, so the heavy runtimes it
// starts (the tfjs kernel, an embedded Cypher engine, the Rust sandbox) never live in the web
// server. One check at a time per server; the script saves the result under the file's hash.

/** Past this the child is stopped: the script's own budget is 60 s per lesson, plus start-up. */
const CHECK_TIMEOUT_MS = 180_000;
/** Enough of the script's output to show every problem line of one lesson. */
const MAX_OUTPUT_CHARS = 20_000;

type LessonCheckRun =
  | { state: "busy"; running: string }
  | { state: "finished"; exitCode: number | null; timedOut: boolean; output: string };

let running: string | null = null;

export async function runLessonCheck(lessonKey: string): Promise<LessonCheckRun> {
  if (running !== null) return { state: "busy", running };
  running = lessonKey;
  try {
    return await runScript(lessonKey);
  } finally {
    running = null;
  }
}

function runScript(lessonKey: string): Promise<LessonCheckRun> {
  const script = path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts", "content-check.ts");
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", script, "--exact", lessonKey],
      { cwd: process.cwd(), env: process.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const append = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT_CHARS) output += chunk.toString("utf8");
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, CHECK_TIMEOUT_MS);
    const finish = (exitCode: number | null, extra = "") => {
      clearTimeout(timer);
      resolve({
        state: "finished",
        exitCode,
        timedOut,
        output: (output + extra).slice(0, MAX_OUTPUT_CHARS),
      });
    };
    child.on("error", (error) => finish(null, `could not start content:check: ${error.message}`));
    child.on("close", (code) => finish(code));
  });
}
