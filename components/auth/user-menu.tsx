"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/client";
import { keptChangesMessage } from "@/lib/progress/flush-before-sign-out";
import styles from "./auth-form.module.css";

type MenuUser = { email: string; name: string; id?: string };

/**
 * Header control: "Sign in" for anonymous learners, or the learner's name and "Sign out".
 * Without a `user` prop it asks better-auth in the browser, so static pages stay static; a
 * server layout that already has the session (getSession()) can pass it to avoid a flash.
 */
export function UserMenu({ user }: { user?: MenuUser | null }) {
  const router = useRouter();
  const session = authClient.useSession();
  const [phase, setPhase] = useState<"idle" | "saving" | "signing-out">("idle");
  const [kept, setKept] = useState<string | null>(null);
  const current: MenuUser | null = user !== undefined ? user : (session.data?.user ?? null);
  if (user === undefined && session.isPending)
    return <span className={styles.menu} aria-hidden="true" />;
  const notice = kept ? (
    <span role="status" data-kept-changes>
      {kept}
    </span>
  ) : null;
  if (!current) {
    return (
      <span className={styles.menu}>
        {notice}
        <Link href="/sign-in">Sign in</Link>
      </span>
    );
  }
  const userId = current.id ?? session.data?.user.id ?? null;
  async function signOut() {
    setPhase("saving");
    try {
      // The learner's last edits go to the server while the session still exists (bounded);
      // what cannot is kept in this browser for the account, and the learner is told so.
      const { flushProgressBeforeSignOut } = await import("@/lib/progress/browser");
      const { kept } = await flushProgressBeforeSignOut(userId);
      setKept(keptChangesMessage(kept));
    } catch (error) {
      // Nothing is lost (edits are in IndexedDB already); signing out must still work.
      console.error("[progress] could not send changes before signing out:", error);
    }
    setPhase("signing-out");
    try {
      await authClient.signOut();
    } finally {
      setPhase("idle");
      router.refresh();
    }
  }
  return (
    <span className={styles.menu}>
      <span className={styles.who} title={current.email}>
        {current.name || current.email}
      </span>
      <button type="button" onClick={signOut} disabled={phase !== "idle"}>
        {phase === "saving"
          ? "Saving your work…"
          : phase === "signing-out"
            ? "Signing out…"
            : "Sign out"}
      </button>
    </span>
  );
}
