"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import formStyles from "@/components/auth/auth-form.module.css";
import styles from "./account.module.css";
import { FormSubmit, PasswordField } from "./form-fields";

/** Changes the password; every other device is signed out (better-auth revokeOtherSessions). */
export function ChangePasswordForm() {
  const id = useId();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("current") ?? "");
    const newPassword = String(data.get("new") ?? "");
    setPending(true);
    setError(null);
    setStatus(null);
    try {
      const { error: refused } = await authClient.changePassword({
        currentPassword,
        newPassword,
        revokeOtherSessions: true,
      });
      if (refused) {
        const ours = (refused as { error?: unknown }).error;
        setError(
          typeof ours === "string"
            ? ours
            : refused.status === 400 && refused.code === "INVALID_PASSWORD"
              ? "Your current password is not right."
              : refused.message || "The password could not be changed; try again.",
        );
        return;
      }
      form.reset();
      setStatus("Password changed. Every other device was signed out.");
      router.refresh();
    } catch {
      setError("Could not reach the server. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form className={`${formStyles.form} ${styles.narrow}`} onSubmit={onSubmit}>
      <PasswordField
        id={`${id}-current`}
        name="current"
        label="Current password"
        purpose="current"
      />
      <PasswordField id={`${id}-new`} name="new" label="New password" purpose="new" />
      <FormSubmit
        label="Change password"
        pendingLabel="Changing…"
        pending={pending}
        error={error}
        status={status}
      />
    </form>
  );
}
