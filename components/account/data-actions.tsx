"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import formStyles from "@/components/auth/auth-form.module.css";
import styles from "./account.module.css";
import { PasswordField } from "./form-fields";

type Failure = { text: string; signInAgain: boolean };

/** Both actions need a recent sign-in: on a 403 the learner is offered to sign in again. */
function SignInAgain() {
  const router = useRouter();
  async function signInAgain() {
    await authClient.signOut().catch(() => undefined);
    router.push("/sign-in?next=/account");
    router.refresh();
  }
  return (
    <button type="button" className="button" onClick={signInAgain}>
      Sign in again
    </button>
  );
}

function FailureMessage({ failure }: { failure: Failure }) {
  return (
    <div className={styles.row}>
      <p role="alert" className={formStyles.error}>
        {failure.text}
      </p>
      {failure.signInAgain && <SignInAgain />}
    </div>
  );
}

async function failureFrom(response: Response): Promise<Failure> {
  let text = `The server could not do this just now (${response.status}); try again.`;
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === "string") text = body.error;
  } catch {
    // keep the status message
  }
  return { text, signInAgain: response.status === 403 && text.startsWith("Sign in again") };
}

/** "Export my data": downloads the JSON file the export route makes. */
export function ExportData() {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function download() {
    setPending(true);
    setFailure(null);
    try {
      const response = await fetch("/api/account/export");
      if (!response.ok) return setFailure(await failureFrom(response));
      const name =
        /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ??
        "courses-my-data.json";
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setFailure({ text: "Could not reach the server. Try again.", signInAgain: false });
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <button type="button" className="button" onClick={download} disabled={pending}>
        {pending ? "Preparing…" : "Export my data"}
      </button>
      {failure && <FailureMessage failure={failure} />}
    </>
  );
}

/** "Delete my account": asks for the password, removes everything, signs out everywhere. */
export function DeleteAccount({ userId }: { userId: string }) {
  const id = useId();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    setPending(true);
    setFailure(null);
    let response: Response;
    try {
      response = await fetch("/api/account", {
        method: "DELETE",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password }),
      });
    } catch {
      setPending(false);
      return setFailure({ text: "Could not reach the server. Try again.", signInAgain: false });
    }
    if (response.status !== 204) {
      setPending(false);
      return setFailure(await failureFrom(response));
    }
    // Nothing of the account is left on the server; remove this browser's copy too.
    await import("@/lib/progress/browser")
      .then(({ clearLearnerFromThisBrowser }) => clearLearnerFromThisBrowser(userId))
      .catch((error: unknown) => console.error("[account] could not clear this browser:", error));
    // The session is gone already; this tells the header (useSession) so, and clears cookies.
    await authClient.signOut().catch(() => undefined);
    router.replace("/?account=deleted");
    router.refresh();
  }

  return (
    <form className={`${formStyles.form} ${styles.narrow}`} onSubmit={onSubmit}>
      <PasswordField
        id={`${id}-password`}
        name="password"
        label="Your password, to confirm"
        purpose="current"
      />
      {failure && <FailureMessage failure={failure} />}
      <button type="submit" className={`button ${styles.danger}`} disabled={pending}>
        {pending ? "Deleting…" : "Delete my account"}
      </button>
    </form>
  );
}
