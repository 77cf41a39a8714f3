import type { Metadata } from "next";
import Link from "next/link";
import styles from "@/components/instructor/instructor.module.css";

export const metadata: Metadata = { title: "Instructors only" };

// Where learners land when next.config lacks experimental.authInterrupts (see
// lib/auth/instructor.ts); with it, they get Next's 403 response instead. Shows nothing private.
export default function InstructorForbidden() {
  return (
    <main id="main" className={styles.page}>
      <h1>403 — instructors only</h1>
      <p>This area is for instructors and admins. Your account is a learner account.</p>
      <p>
        <Link href="/">Back to the catalogue</Link>
      </p>
    </main>
  );
}
