"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { authClient } from "@/lib/auth/client";
import { unsavedChangesWarning } from "@/lib/progress/flush-before-sign-out";
import styles from "./auth-form.module.css";
import dialogStyles from "./user-menu.module.css";

type MenuUser = { email: string; name: string; id?: string };

// The progress code is loaded once a learner is signed in, not at sign-out: offline, a chunk
// requested only then would fail to load (and Next reloads the page on a failed chunk).
let progressModule: Promise<typeof import("@/lib/progress/browser")> | null = null;
const loadProgress = () =>
  (progressModule ??= import("@/lib/progress/browser").catch((error: unknown) => {
    progressModule = null; // try again next time
    throw error;
  }));

/**
 * Header control: "Sign in" for anonymous learners, or the learner's name and "Sign out".
 * Without a `user` prop it asks better-auth in the browser, so static pages stay static; a
 * server layout that already has the session (getSession()) can pass it to avoid a flash.
 *
 * Signing out sends the learner's last changes, ends the session and then deletes their copy
 * from this browser (shared computers). When some changes could not be sent, the learner is
 * asked first: stay signed in, or sign out anyway and let those changes go.
 */
export function UserMenu({ user }: { user?: MenuUser | null }) {
  const router = useRouter();
  const session = authClient.useSession();
  const [phase, setPhase] = useState<"idle" | "saving" | "signing-out">("idle");
  const [warning, setWarning] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const current: MenuUser | null = user !== undefined ? user : (session.data?.user ?? null);
  const signedIn = current !== null;
  // The account that just signed out, until this page has seen the session end: only then is
  // its copy deleted (a page that still thought it signed in could write some of it back).
  const [signedOutId, setSignedOutId] = useState<string | null>(null);
  const sessionEnded = !signedIn || user !== undefined;
  useEffect(() => {
    if (signedIn) void loadProgress();
  }, [signedIn]);
  useEffect(() => {
    if (!signedOutId || !sessionEnded) return;
    void loadProgress()
      .then(({ clearLearnerFromThisBrowser }) => clearLearnerFromThisBrowser(signedOutId))
      .catch((error: unknown) =>
        console.error("[progress] could not clear this browser's copy:", error),
      )
      .finally(() => {
        setSignedOutId(null);
        setPhase("idle");
        router.refresh();
      });
  }, [signedOutId, sessionEnded, router]);
  if (user === undefined && session.isPending)
    return <span className={styles.menu} aria-hidden="true" />;
  if (!current) {
    return (
      <span className={styles.menu}>
        <Link href="/sign-in">Sign in</Link>
      </span>
    );
  }
  const userId = current.id ?? session.data?.user.id ?? null;

  async function endSession() {
    setPhase("signing-out");
    try {
      const { error } = await authClient.signOut();
      // Still signed in (offline, server down): nothing of theirs is deleted.
      if (error) throw new Error(error.message ?? `sign-out failed (${error.status})`);
      if (userId) return setSignedOutId(userId); // the effect above finishes the sign-out
    } catch (error) {
      console.error("[auth] could not sign out:", error);
    }
    setPhase("idle");
    router.refresh();
  }

  async function signOut() {
    setPhase("saving");
    let unsaved = 0;
    try {
      // The learner's last edits go to the server while the session still exists (bounded).
      const { flushProgressBeforeSignOut } = await loadProgress();
      unsaved = (await flushProgressBeforeSignOut(userId)).kept;
    } catch (error) {
      console.error("[progress] could not send changes before signing out:", error);
    }
    const question = unsavedChangesWarning(unsaved);
    if (question) {
      setWarning(question);
      setPhase("idle");
      dialog.current?.showModal();
      return;
    }
    await endSession();
  }

  return (
    <span className={styles.menu}>
      <Link href="/account" className={styles.who} title={`Your account (${current.email})`}>
        {current.name || current.email}
      </Link>
      <button type="button" onClick={signOut} disabled={phase !== "idle"}>
        {phase === "saving"
          ? "Saving your work…"
          : phase === "signing-out"
            ? "Signing out…"
            : "Sign out"}
      </button>
      <dialog
        ref={dialog}
        className={dialogStyles.dialog}
        aria-labelledby="sign-out-unsaved-title"
        aria-describedby="sign-out-unsaved-text"
        data-unsaved-changes
      >
        <form
          method="dialog"
          onSubmit={(event) => {
            const choice = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("value");
            if (choice === "sign-out") void endSession();
          }}
        >
          <h2 id="sign-out-unsaved-title">Not everything is saved to your account</h2>
          <p id="sign-out-unsaved-text">{warning}</p>
          <div className={dialogStyles.actions}>
            <button type="submit" className="button" value="stay" autoFocus>
              Stay
            </button>
            <button type="submit" className={`button ${dialogStyles.danger}`} value="sign-out">
              Sign out anyway
            </button>
          </div>
        </form>
      </dialog>
    </span>
  );
}
