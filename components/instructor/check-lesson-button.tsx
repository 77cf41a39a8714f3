"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, postJson } from "@/lib/http/api-client";
import styles from "./instructor.module.css";

type Outcome =
  | { state: "idle" }
  | { state: "running"; since: number }
  | { state: "done"; status: string; timedOut: boolean; output: string }
  | { state: "error"; message: string };

const MESSAGES = {
  signIn: "Sign in as an instructor to check lessons.",
  unreachable: "The server could not be reached",
};

/**
 * "Check this lesson": runs the lesson's cells as `npm run content:check` does (starter and wrong
 * answers must fail, the solution must pass) and refreshes the page's check status.
 */
export function CheckLessonButton({ lessonKey }: { lessonKey: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" });

  async function check() {
    setOutcome({ state: "running", since: Date.now() });
    try {
      const response = await postJson(
        "/instructor/lessons-check",
        { key: lessonKey },
        undefined,
        MESSAGES,
      );
      const body = (await response.json()) as { status: string; timedOut: boolean; output: string };
      setOutcome({ state: "done", ...body });
      router.refresh();
    } catch (error) {
      setOutcome({
        state: "error",
        message: error instanceof ApiError ? error.message : String(error),
      });
    }
  }

  return (
    <div className={styles.checkLesson}>
      <button type="button" onClick={check} disabled={outcome.state === "running"}>
        {outcome.state === "running" ? "Checking…" : "Check this lesson"}
      </button>{" "}
      <span className={styles.muted} role="status">
        {outcome.state === "running"
          ? "Running every cell as content:check does (a lesson that trains a model takes up to a minute)…"
          : outcome.state === "done"
            ? outcome.timedOut
              ? "The check took too long and was stopped."
              : `content:check ${outcome.status} for this version of the file.`
            : outcome.state === "error"
              ? outcome.message
              : "Runs this lesson's cells: starter and wrong answers must fail, the solution must pass."}
      </span>
      {outcome.state === "done" && outcome.output.trim() !== "" && (
        <details className={styles.details} open={outcome.status !== "passed"}>
          <summary>content:check output</summary>
          <pre className={styles.checkOutput}>{outcome.output.trim()}</pre>
        </details>
      )}
    </div>
  );
}
