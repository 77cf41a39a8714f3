"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import styles from "@/components/auth/auth-form.module.css";
import { FormSubmit, PasswordField } from "./form-fields";
import { sendJson } from "./send-json";

/** Chooses a new password with a reset link's token; afterwards the learner signs in with it. */
export function ResetPasswordForm({ token }: { token: string }) {
  const id = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const newPassword = String(data.get("password") ?? "");
    if (newPassword !== String(data.get("confirm") ?? ""))
      return setError("The two passwords are not the same.");
    setPending(true);
    setError(null);
    const result = await sendJson("POST", "/api/account/password-reset/confirm", {
      token,
      newPassword,
    });
    setPending(false);
    if (!result.ok) return setError(result.message);
    setDone(true);
  }

  if (done)
    return (
      <p role="status">
        Your password is changed, and every device was signed out.{" "}
        <Link href="/sign-in">Sign in with your new password</Link>.
      </p>
    );
  return (
    <form className={styles.form} onSubmit={onSubmit}>
      <PasswordField
        id={`${id}-password`}
        name="password"
        label="New password"
        purpose="new"
        hint="At least 8 characters."
      />
      <PasswordField
        id={`${id}-confirm`}
        name="confirm"
        label="Repeat the new password"
        purpose="new"
      />
      <FormSubmit label="Set new password" pendingLabel="Saving…" pending={pending} error={error} />
    </form>
  );
}
