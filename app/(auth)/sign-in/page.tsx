import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import styles from "@/components/auth/auth-form.module.css";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/auth/return-path";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const { next } = await searchParams;
  // From the database, not the cookie cache: a session ended elsewhere a moment ago (a password
  // reset, "sign out there") would otherwise bounce between here and a page that checks freshly.
  const user = await getSessionFromHeaders(await headers(), { fresh: true }).catch(() => null);
  if (user) redirect(safeReturnPath(next));
  return (
    <main id="main" className={styles.wrap}>
      <h1>Sign in</h1>
      <p className={styles.lead}>Your code, runs and passed exercises follow you to any device.</p>
      <AuthForm mode="sign-in" next={typeof next === "string" ? next : undefined} />
    </main>
  );
}
