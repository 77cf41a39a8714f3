"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ApiError, postJson } from "@/lib/http/api-client";
import styles from "./classes.module.css";
import { useHydrated } from "./use-hydrated";

const MESSAGES = {
  signIn: "Your session has ended; sign in again to create a class.",
  unreachable: "The server could not be reached",
};

/** Create a class: name, optional dates, the tracks it follows. Opens the new class's page. */
export function ClassForm({ tracks }: { tracks: { slug: string; title: string }[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const response = await postJson(
        "/api/instructor/classes",
        {
          name: text("name"),
          startsOn: text("startsOn") || null,
          endsOn: text("endsOn") || null,
          tracks: form.getAll("tracks").map(String),
        },
        undefined,
        { ...MESSAGES, unreachable: `${MESSAGES.unreachable}; the class was not created` },
      );
      const created = (await response.json()) as { id: string };
      router.push(`/instructor/classes/${encodeURIComponent(created.id)}`);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
      setBusy(false);
    }
  }

  return (
    <form className={styles.form} onSubmit={submit} aria-labelledby="new-class">
      <h2 id="new-class">New class</h2>
      <label>
        Name
        <input name="name" required maxLength={120} autoComplete="off" />
      </label>
      <div className={styles.row}>
        <label>
          Starts (optional)
          <input name="startsOn" type="date" />
        </label>
        <label>
          Ends (optional)
          <input name="endsOn" type="date" />
        </label>
      </div>
      <fieldset>
        <legend>Tracks the class follows</legend>
        {tracks.map((t) => (
          <label key={t.slug} className={styles.check}>
            <input type="checkbox" name="tracks" value={t.slug} /> {t.title}
          </label>
        ))}
      </fieldset>
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !hydrated}>
        {busy ? "Creating…" : "Create class"}
      </button>
    </form>
  );
}
