import type { Metadata } from "next";
import Link from "next/link";
import { ClassForm } from "@/components/classes/class-form";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import styles from "@/components/instructor/instructor.module.css";
import { requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { listClasses } from "@/lib/db/classes-repository";

export const metadata: Metadata = { title: "Classes" };
export const dynamic = "force-dynamic";

/** The instructor's classes (every class for admins) and the form to create one. */
export default async function ClassesPage() {
  const user = await requireInstructor("/instructor/classes");
  const catalog = readCatalog();
  const classes = await listClasses(user.role === "admin" ? null : user.id);
  const trackTitle = new Map(catalog.tracks.map((t) => [t.slug, t.title]));

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <h1>Classes</h1>
      <p className={styles.muted}>
        A class is a group of learners you follow: share its join link, and its learners&apos;
        progress shows on the class page and in the analytics.
        {user.role === "admin" ? " As an admin you see every instructor's classes." : ""}
      </p>
      {classes.length === 0 ? (
        <p className={styles.muted}>No class yet.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Tracks</th>
                <th scope="col">Dates</th>
                <th scope="col" className={styles.num}>
                  Learners
                </th>
                {user.role === "admin" && <th scope="col">Instructor</th>}
              </tr>
            </thead>
            <tbody>
              {classes.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link href={`/instructor/classes/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                  </th>
                  <td>{c.tracks.map((slug) => trackTitle.get(slug) ?? slug).join(", ")}</td>
                  <td>
                    {c.startsOn || c.endsOn ? `${c.startsOn ?? "…"} – ${c.endsOn ?? "…"}` : "—"}
                  </td>
                  <td className={styles.num}>{c.members}</td>
                  {user.role === "admin" && <td>{c.instructorName}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ClassForm tracks={catalog.tracks.map((t) => ({ slug: t.slug, title: t.title }))} />
    </main>
  );
}
