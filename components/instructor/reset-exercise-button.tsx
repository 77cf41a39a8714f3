"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, postJson } from "@/lib/http/api-client";
import styles from "./instructor.module.css";

const MESSAGES = {
  signIn: "Sign in as an instructor to reset progress.",
  unreachable: "The server could not be reached",
};

/**
 * Resets one learner's exercise after an explicit confirmation: their code goes back to the
 * starter and their attempts at it are removed (the learner starts it over).
 */
export function ResetExerciseButton({
  userId,
  learnerName,
  lessonKey,
  cellId,
}: {
  userId: string;
  learnerName: string;
  lessonKey: string;
  cellId: string;
}) {
  const router = useRouter();
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "confirm" } | { kind: "busy" } | { kind: "error"; message: string }
  >({ kind: "idle" });

  async function reset() {
    setState({ kind: "busy" });
    try {
      await postJson(
        "/instructor/learner-exercise-reset",
        { userId, lessonKey, cellId },
        undefined,
        MESSAGES,
      );
      setState({ kind: "idle" });
      router.refresh();
    } catch (error) {
      setState({
        kind: "error",
        message: error instanceof ApiError ? error.message : String(error),
      });
    }
  }

  if (state.kind === "confirm" || state.kind === "busy")
    return (
      <span className={styles.confirm} role="group" aria-label={`Reset ${cellId}`}>
        Reset {learnerName}&apos;s “{cellId}”? Their code goes back to the starter and their
        attempts are removed.{" "}
        <button type="button" onClick={reset} disabled={state.kind === "busy"}>
          {state.kind === "busy" ? "Resetting…" : "Yes, reset"}
        </button>{" "}
        <button
          type="button"
          onClick={() => setState({ kind: "idle" })}
          disabled={state.kind === "busy"}
        >
          Cancel
        </button>
      </span>
    );
  return (
    <>
      <button type="button" onClick={() => setState({ kind: "confirm" })}>
        Reset…
      </button>
      {state.kind === "error" && (
        <span role="alert" className={styles.muted}>
          {" "}
          {state.message}
        </span>
      )}
    </>
  );
}
