import Link from "next/link";
import type { SessionUser } from "@/lib/auth/session";
import styles from "./instructor.module.css";

export function InstructorNav({ user }: { user: SessionUser }) {
  return (
    <nav className={styles.subnav} aria-label="Instructor">
      <span className={styles.subnavTitle}>Instructor</span>
      <Link href="/instructor">Lessons</Link>
      <Link href="/instructor/analytics">Analytics</Link>
      <Link href="/instructor/classes">Classes</Link>
      {user.role === "admin" && <Link href="/admin/users">Users</Link>}
      <span className={styles.who}>
        Signed in as {user.name} ({user.role})
      </span>
    </nav>
  );
}

export function StatusBadge({
  tone,
  children,
}: {
  tone: "ok" | "bad" | "neutral";
  children: string;
}) {
  return <span className={`${styles.badge} ${styles[tone]}`}>{children}</span>;
}
