import type { InputHTMLAttributes } from "react";
import styles from "@/components/auth/auth-form.module.css";

// The pieces every account form repeats (change password, forgot password, reset password, delete
// account): a labelled field, and the submit button with the outcome announced above it.

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> & {
  /** The input's id; the label points at it, and a hint is `<id>-hint`. */
  id: string;
  name: string;
  label: string;
  /** A short line under the input that describes it (aria-describedby). */
  hint?: string;
};

/** A labelled input, with an optional hint that screen readers read with it. */
export function Field({ id, label, hint, ...input }: FieldProps) {
  const hintId = `${id}-hint`;
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? hintId : undefined} {...input} />
      {hint && (
        <span id={hintId} className={styles.hint}>
          {hint}
        </span>
      )}
    </div>
  );
}

type PasswordFieldProps = Omit<FieldProps, "type" | "autoComplete" | "minLength"> & {
  /** "current" asks for the password the account has; "new" chooses one (at least 8 characters). */
  purpose: "current" | "new";
};

/** A password input with the limits the server enforces (8 to 128 characters for a new one). */
export function PasswordField({ purpose, ...field }: PasswordFieldProps) {
  return (
    <Field
      type="password"
      autoComplete={purpose === "current" ? "current-password" : "new-password"}
      required
      minLength={purpose === "new" ? 8 : undefined}
      maxLength={128}
      {...field}
    />
  );
}

/**
 * The end of a form: what the last submit came to (a status, or an error announced at once), then
 * the submit button, disabled and relabelled while the request is pending.
 */
export function FormSubmit({
  label,
  pendingLabel,
  pending,
  error,
  status,
}: {
  label: string;
  pendingLabel: string;
  pending: boolean;
  error: string | null;
  status?: string | null;
}) {
  return (
    <>
      {status && <p role="status">{status}</p>}
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" className={styles.submit} disabled={pending}>
        {pending ? pendingLabel : label}
      </button>
    </>
  );
}
