"use client";

import { useState } from "react";
import { ApiError, postJson } from "@/lib/http/api-client";
import styles from "./classes.module.css";
import { useHydrated } from "./use-hydrated";

/** Joins the class of this link; says so, or why not. */
export function JoinButton({ code, className }: { code: string; className: string }) {
  const [state, setState] = useState<"idle" | "busy" | "joined">("idle");
  const [error, setError] = useState<string | null>(null);
  const hydrated = useHydrated();

  async function join() {
    setState("busy");
    setError(null);
    try {
      await postJson("/api/classes/join", { code }, undefined, {
        signIn: "Your session has ended; sign in again to join.",
        unreachable: "The server could not be reached; you have not joined yet",
      });
      setState("joined");
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
      setState("idle");
    }
  }

  if (state === "joined")
    return (
      <p role="status" className={styles.success}>
        You joined {className}. Your instructor now sees your progress in its tracks.
      </p>
    );
  return (
    <>
      <button type="button" onClick={() => void join()} disabled={state === "busy" || !hydrated}>
        {state === "busy" ? "Joining…" : `Join ${className}`}
      </button>
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
    </>
  );
}
