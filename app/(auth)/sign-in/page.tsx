import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import styles from "@/components/auth/auth-form.module.css";
import { getSession } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/auth/return-path";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const { next } = await searchParams;
  if (await getSession()) redirect(safeReturnPath(next));
  return (
    <main id="main" className={styles.wrap}>
      <h1>Sign in</h1>
      <p className={styles.lead}>Your code, runs and passed exercises follow you to any device.</p>
      <AuthForm mode="sign-in" next={typeof next === "string" ? next : undefined} />
    </main>
  );
}
