import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import styles from "@/components/auth/auth-form.module.css";
import { getSession } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/auth/return-path";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const { next } = await searchParams;
  if (await getSession()) redirect(safeReturnPath(next));
  return (
    <main id="main" className={styles.wrap}>
      <h1>Create an account</h1>
      <p className={styles.lead}>Work you did before signing up is kept and joins your account.</p>
      <AuthForm mode="sign-up" next={typeof next === "string" ? next : undefined} />
    </main>
  );
}
