"use client";

import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { ApiError, postJson } from "@/lib/http/api-client";
import styles from "./classes.module.css";
import { useHydrated } from "./use-hydrated";

const subscribeNever = () => () => undefined;

/** The class's join link (full address once in the browser), and revoking it for a new one. */
export function JoinLink({ classId, code }: { classId: string; code: string }) {
  const router = useRouter();
  const path = `/join/${code}`;
  // The page's own origin once in the browser (the server renders the path alone).
  const origin = useSyncExternalStore(
    subscribeNever,
    () => window.location.origin,
    () => "",
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function revoke() {
    if (!window.confirm("Revoke this link? It stops working at once; you get a new one.")) return;
    setBusy(true);
    setError(null);
    try {
      await postJson("/api/instructor/classes/revoke", { classId }, undefined, {
        signIn: "Your session has ended; sign in again to revoke the link.",
        unreachable: "The server could not be reached; the link was not revoked",
      });
      router.refresh();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={styles.joinLink}>
      <label>
        Join link
        <input
          readOnly
          value={`${origin}${path}`}
          data-testid="join-link"
          onFocus={(e) => e.currentTarget.select()}
        />
      </label>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(`${origin}${path}`)}>
        Copy
      </button>
      <button type="button" onClick={() => void revoke()} disabled={busy || !hydrated}>
        Revoke and make a new link
      </button>
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
    </div>
  );
}
