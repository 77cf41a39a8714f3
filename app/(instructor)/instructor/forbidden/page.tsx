import type { Metadata } from "next";
import Link from "next/link";
import styles from "@/components/instructor/instructor.module.css";

export const metadata: Metadata = { title: "Not allowed" };

const NOTICES = {
  instructor: {
    title: "403 — instructors only",
    text: "This area is for instructors and admins. Your account is a learner account.",
  },
  admin: { title: "403 — admins only", text: "Only admins can manage users and roles." },
  "class-owner": {
    title: "403 — not your class",
    text: "This class belongs to another instructor. You can see only the classes you teach.",
  },
} as const;

// Where refused visitors land when next.config lacks experimental.authInterrupts (see
// lib/auth/instructor.ts); with it, they get Next's 403 response instead. Shows nothing private.
export default async function InstructorForbidden({
  searchParams,
}: {
  searchParams: Promise<{ need?: string | string[] }>;
}) {
  const { need } = await searchParams;
  const notice = need === "admin" || need === "class-owner" ? NOTICES[need] : NOTICES.instructor;
  return (
    <main id="main" className={styles.page}>
      <h1>{notice.title}</h1>
      <p>{notice.text}</p>
      {notice === NOTICES.instructor && (
        <p>
          Instructor access is granted by an admin: on the Users page, or on the server with{" "}
          <code>npm run user:role -- &lt;your e-mail&gt; instructor</code>; reload this page
          afterwards.
        </p>
      )}
      <p>
        <Link href="/">Back to the catalogue</Link>
      </p>
    </main>
  );
}
