import Link from "next/link";
import type { Role } from "@/lib/auth/session";
import styles from "./instructor.module.css";

type PickerClass = { id: string; name: string; instructorName: string };

/** `href` with `class=<id>` added (or unchanged without a class). */
export function withClass(href: string, classId: string | undefined): string {
  if (!classId) return href;
  return `${href}${href.includes("?") ? "&" : "?"}class=${encodeURIComponent(classId)}`;
}

/**
 * Whose figures the analytics show: "all my classes" for an instructor (everyone for an admin)
 * or one class. An instructor without a class is told how to get one.
 */
export function ClassPicker({
  role,
  classes,
  selectedId,
  track,
}: {
  role: Role;
  classes: PickerClass[];
  selectedId: string | undefined;
  track: string | undefined;
}) {
  const base = track ? `/instructor/analytics?track=${track}` : "/instructor/analytics";
  if (role !== "admin" && classes.length === 0)
    return (
      <p className={styles.callout} data-testid="no-class-hint">
        You see the learners of your own classes here, and you have no class yet.{" "}
        <Link href="/instructor/classes">Create a class</Link> and share its join link; the figures
        below count nobody until learners join.
      </p>
    );
  return (
    <nav className={styles.chips} aria-label="Classes">
      <Link href={base} aria-current={selectedId ? undefined : "page"}>
        {role === "admin" ? "Everyone" : "All my classes"}
      </Link>
      {classes.map((c) => (
        <Link
          key={c.id}
          href={withClass(base, c.id)}
          aria-current={c.id === selectedId ? "page" : undefined}
        >
          {role === "admin" ? `${c.name} (${c.instructorName})` : c.name}
        </Link>
      ))}
    </nav>
  );
}
