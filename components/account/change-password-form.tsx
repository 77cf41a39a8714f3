"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import formStyles from "@/components/auth/auth-form.module.css";
import styles from "./account.module.css";

/** Changes the password; every other device is signed out (better-auth revokeOtherSessions). */
export function ChangePasswordForm() {
  const id = useId();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("current") ?? "");
    const newPassword = String(data.get("new") ?? "");
    setPending(true);
    setMessage(null);
    try {
      const { error } = await authClient.changePassword({
        currentPassword,
        newPassword,
        revokeOtherSessions: true,
      });
      if (error) {
        const ours = (error as { error?: unknown }).error;
        setMessage({
          ok: false,
          text:
            typeof ours === "string"
              ? ours
              : error.status === 400 && error.code === "INVALID_PASSWORD"
                ? "Your current password is not right."
                : error.message || "The password could not be changed; try again.",
        });
        return;
      }
      form.reset();
      setMessage({ ok: true, text: "Password changed. Every other device was signed out." });
      router.refresh();
    } catch {
      setMessage({ ok: false, text: "Could not reach the server. Try again." });
    } finally {
      setPending(false);
    }
  }

  return (
    <form className={`${formStyles.form} ${styles.narrow}`} onSubmit={onSubmit}>
      <div className={formStyles.field}>
        <label htmlFor={`${id}-current`}>Current password</label>
        <input
          id={`${id}-current`}
          name="current"
          type="password"
          autoComplete="current-password"
          required
          maxLength={128}
        />
      </div>
      <div className={formStyles.field}>
        <label htmlFor={`${id}-new`}>New password</label>
        <input
          id={`${id}-new`}
          name="new"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
        />
      </div>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={message.ok ? undefined : formStyles.error}
        >
          {message.text}
        </p>
      )}
      <button type="submit" className={formStyles.submit} disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
