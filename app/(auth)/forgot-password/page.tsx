import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/account/forgot-password-form";
import styles from "@/components/auth/auth-form.module.css";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <main id="main" className={styles.wrap}>
      <h1>Forgot your password?</h1>
      <p className={styles.lead}>
        Enter the e-mail address of your account and we will send you a link to choose a new
        password. The link works once, for one hour.
      </p>
      <ForgotPasswordForm />
    </main>
  );
}
