"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Role } from "@/lib/auth/session";
import { ApiError, postJson } from "@/lib/http/api-client";
import styles from "@/components/classes/classes.module.css";
import { useHydrated } from "@/components/classes/use-hydrated";

const ROLE_OPTIONS: Role[] = ["learner", "instructor", "admin"];

/** Changes one user's role (admins only; the server refuses demoting the last admin). */
export function RoleForm({ userId, email, role }: { userId: string; email: string; role: Role }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = String(new FormData(event.currentTarget).get("role") ?? "");
    setBusy(true);
    setMessage(null);
    try {
      const response = await postJson("/api/admin/users/role", { userId, role: next }, undefined, {
        signIn: "Your session has ended; sign in again as an admin.",
        unreachable: "The server could not be reached; the role was not changed",
      });
      const body = (await response.json()) as { message: string };
      setMessage({ ok: true, text: body.message });
      router.refresh();
    } catch (caught) {
      setMessage({ ok: false, text: caught instanceof ApiError ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={`Role of ${email}`}>
      <select name="role" defaultValue={role} aria-label={`New role for ${email}`}>
        {ROLE_OPTIONS.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>{" "}
      <button type="submit" disabled={busy || !hydrated}>
        Change role
      </button>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={message.ok ? styles.success : styles.error}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
