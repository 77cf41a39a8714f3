"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/client";
import styles from "./auth-form.module.css";

type MenuUser = { email: string; name: string };

/**
 * Header control: "Sign in" for anonymous learners, or the learner's name and "Sign out".
 * Without a `user` prop it asks better-auth in the browser, so static pages stay static; a
 * server layout that already has the session (getSession()) can pass it to avoid a flash.
 */
export function UserMenu({ user }: { user?: MenuUser | null }) {
  const router = useRouter();
  const session = authClient.useSession();
  const [pending, setPending] = useState(false);
  const current: MenuUser | null = user !== undefined ? user : session.data?.user ?? null;
  if (user === undefined && session.isPending) return <span className={styles.menu} aria-hidden="true" />;
  if (!current) {
    return (
      <span className={styles.menu}>
        <Link href="/sign-in">Sign in</Link>
      </span>
    );
  }
  async function signOut() {
    setPending(true);
    try {
      await authClient.signOut();
    } finally {
      setPending(false);
      router.refresh();
    }
  }
  return (
    <span className={styles.menu}>
      <span className={styles.who} title={current.email}>
        {current.name || current.email}
      </span>
      <button type="button" onClick={signOut} disabled={pending}>
        {pending ? "Signing out…" : "Sign out"}
      </button>
    </span>
  );
}
