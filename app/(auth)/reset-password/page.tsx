import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/account/reset-password-form";
import styles from "@/components/auth/auth-form.module.css";
import { RESET_TOKEN_MESSAGES, resetTokenStatus } from "@/lib/auth/password-reset";

export const metadata: Metadata = { title: "Choose a new password" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token } = await searchParams;
  const status = typeof token === "string" ? await resetTokenStatus(token) : "unknown";
  return (
    <main id="main" className={styles.wrap}>
      <h1>Choose a new password</h1>
      {status === "valid" && typeof token === "string" ? (
        <ResetPasswordForm token={token} />
      ) : (
        <>
          <p role="alert" className={styles.error}>
            {RESET_TOKEN_MESSAGES[status === "valid" ? "unknown" : status]}
          </p>
          <p className={styles.alt}>
            <Link href="/forgot-password">Ask for a new link</Link> ·{" "}
            <Link href="/sign-in">Sign in</Link>
          </p>
        </>
      )}
    </main>
  );
}
