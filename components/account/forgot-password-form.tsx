"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import styles from "@/components/auth/auth-form.module.css";
import { Field, FormSubmit } from "./form-fields";
import { sendJson } from "./send-json";

/** "Forgot password": asks for a reset link; the answer never tells whether the address is known. */
export function ForgotPasswordForm() {
  const id = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ message: string; devResetUrl?: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    setPending(true);
    setError(null);
    const result = await sendJson("POST", "/api/account/password-reset", { email });
    setPending(false);
    if (!result.ok) return setError(result.message);
    setSent((await result.response.json()) as { message: string; devResetUrl?: string });
  }

  if (sent)
    return (
      <div className={styles.form}>
        <p role="status">{sent.message}</p>
        {sent.devResetUrl && (
          <p className={styles.hint}>
            Development server without <code>SMTP_URL</code>: no mail was sent.{" "}
            <a href={sent.devResetUrl}>Open the reset link</a> (also in the server log).
          </p>
        )}
        <p className={styles.alt}>
          <Link href="/sign-in">Back to sign in</Link>
        </p>
      </div>
    );
  return (
    <form className={styles.form} onSubmit={onSubmit}>
      <Field
        id={`${id}-email`}
        name="email"
        label="E-mail"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        aria-invalid={error ? true : undefined}
      />
      <FormSubmit label="Send reset link" pendingLabel="Sending…" pending={pending} error={error} />
      <p className={styles.alt}>
        Remembered it? <Link href="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
