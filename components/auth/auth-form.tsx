"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import { safeReturnPath } from "@/lib/auth/return-path";
import styles from "./auth-form.module.css";

type Mode = "sign-in" | "sign-up";

// better-auth's own errors carry `message`; our route's refusals (429 with the wait, 413, 400
// naming an over-long field) carry `error`.
function messageFor(
  error: { status?: number; message?: string; error?: unknown } | null | undefined,
  mode: Mode,
): string {
  if (!error) return "Something went wrong. Please try again.";
  const ours = typeof error.error === "string" ? error.error : undefined;
  if (error.status === 429) return ours ?? "Too many attempts. Please wait a minute and try again.";
  if (ours) return ours;
  if (mode === "sign-in" && (error.status === 401 || error.status === 400))
    return "That e-mail and password do not match an account.";
  return error.message || "Something went wrong. Please try again.";
}

/** E-mail + password form for sign-in and sign-up; errors are announced and shown inline. */
export function AuthForm({ mode, next }: { mode: Mode; next?: string }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const destination = safeReturnPath(next);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const name = String(data.get("name") ?? "").trim() || email.split("@")[0] || "Learner";
    setPending(true);
    setError(null);
    try {
      const result =
        mode === "sign-in"
          ? await authClient.signIn.email({ email, password })
          : await authClient.signUp.email({ email, password, name });
      if (result.error) {
        setError(messageFor(result.error, mode));
        return;
      }
      router.replace(destination);
      router.refresh();
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  const errorId = `${id}-error`;
  const other = mode === "sign-in" ? "/sign-up" : "/sign-in";
  const otherHref = next ? `${other}?next=${encodeURIComponent(destination)}` : other;
  return (
    <form
      className={styles.form}
      onSubmit={onSubmit}
      noValidate={false}
      aria-describedby={error ? errorId : undefined}
    >
      {mode === "sign-up" && (
        <div className={styles.field}>
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} name="name" type="text" autoComplete="name" maxLength={100} />
        </div>
      )}
      <div className={styles.field}>
        <label htmlFor={`${id}-email`}>E-mail</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-invalid={error ? true : undefined}
        />
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
          required
          minLength={8}
          maxLength={128}
          aria-describedby={mode === "sign-up" ? `${id}-password-hint` : undefined}
          aria-invalid={error ? true : undefined}
        />
        {mode === "sign-up" && (
          <span id={`${id}-password-hint`} className={styles.hint}>
            At least 8 characters.
          </span>
        )}
        {mode === "sign-in" && (
          <Link href="/forgot-password" className={styles.hint}>
            Forgot your password?
          </Link>
        )}
      </div>
      {error && (
        <p id={errorId} role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className={styles.submit} disabled={pending}>
        {pending
          ? mode === "sign-in"
            ? "Signing in…"
            : "Creating account…"
          : mode === "sign-in"
            ? "Sign in"
            : "Create account"}
      </button>
      <p className={styles.alt}>
        {mode === "sign-in" ? "New here? " : "Already have an account? "}
        <Link href={otherHref}>{mode === "sign-in" ? "Create an account" : "Sign in"}</Link>
      </p>
    </form>
  );
}
