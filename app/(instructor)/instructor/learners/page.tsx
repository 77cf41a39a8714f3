import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import { withClass } from "@/components/instructor/class-picker";
import styles from "@/components/instructor/instructor.module.css";
import { refuseForbidden, requireInstructor } from "@/lib/auth/instructor";
import { learnerPage } from "@/lib/db/analytics-repository";
import { analyticsScopeFor } from "@/lib/classes/scope";

export const metadata: Metadata = { title: "Learners" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 25;
const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** Every learner who started a lesson, most recently active first, page by page. */
export default async function LearnersPage({
  searchParams,
}: {
  searchParams: Promise<{ page?: string | string[]; class?: string | string[] }>;
}) {
  const user = await requireInstructor("/instructor/learners");
  const { page: pageParam, class: classParam } = await searchParams;
  const access = await analyticsScopeFor(
    user,
    typeof classParam === "string" && classParam ? classParam : undefined,
  );
  if ("refused" in access) {
    if (access.refused === 404) notFound();
    refuseForbidden("class-owner");
  }
  const classId = access.selected?.id;
  const requested = Number(typeof pageParam === "string" ? pageParam : "1");
  const page = Number.isInteger(requested) && requested >= 1 ? requested : 1;
  const { learners, total } = await learnerPage(
    { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    access.scope,
  );
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const href = (p: number) => withClass(`/instructor/learners?page=${p}`, classId);

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <p>
        <Link href={withClass("/instructor/analytics", classId)}>Analytics</Link> / learners
      </p>
      <h1>Learners{access.selected ? ` of ${access.selected.name}` : ""}</h1>
      <p className={styles.muted}>
        {total} learner(s) who started a lesson, most recently active first. Instructors and admins
        are not listed.
      </p>
      {learners.length === 0 ? (
        <p className={styles.muted}>
          {total === 0 ? "No learner has started a lesson yet." : "This page is past the end."}
        </p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="learners">
            <thead>
              <tr>
                <th scope="col">Learner</th>
                <th scope="col" className={styles.num}>
                  Lessons started
                </th>
                <th scope="col" className={styles.num}>
                  Completed
                </th>
                <th scope="col" className={styles.num}>
                  Last active
                </th>
              </tr>
            </thead>
            <tbody>
              {learners.map((l) => (
                <tr key={l.id}>
                  <th scope="row">
                    <Link href={`/instructor/learners/${encodeURIComponent(l.id)}`}>{l.name}</Link>{" "}
                    <span className={styles.muted}>{l.email}</span>
                  </th>
                  <td className={styles.num}>{l.lessonsStarted}</td>
                  <td className={styles.num}>{l.lessonsCompleted}</td>
                  <td className={styles.num}>{when(l.lastActiveAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className={styles.pager} aria-label="Pages">
        {page > 1 && <Link href={href(page - 1)}>← Newer</Link>}
        <span>
          Page {Math.min(page, pages)} of {pages}
        </span>
        {page < pages && <Link href={href(page + 1)}>Older →</Link>}
      </nav>
    </main>
  );
}
