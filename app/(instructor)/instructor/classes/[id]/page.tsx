import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JoinLink } from "@/components/classes/join-link";
import { withClass } from "@/components/instructor/class-picker";
import { InstructorNav, StatusBadge } from "@/components/instructor/instructor-nav";
import styles from "@/components/instructor/instructor.module.css";
import { refuseForbidden, requireInstructor } from "@/lib/auth/instructor";
import { classProgress, STUCK_FAILURES, type ClassTrack } from "@/lib/classes/class-progress";
import { classFor } from "@/lib/classes/scope";
import { readCatalog } from "@/lib/content/catalog";
import { classCompletions, classMembers, classRepeatedFailures } from "@/lib/db/classes-repository";

export const metadata: Metadata = { title: "Class" };
export const dynamic = "force-dynamic";

const when = (ms: number | null) =>
  ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** Each member's progress through the class's tracks, and who is stuck as of now. */
async function loadClassProgress(classId: string, tracks: ClassTrack[]) {
  const lessonKeys = tracks.flatMap((t) => t.lessonKeys);
  const [members, completions, failures] = await Promise.all([
    classMembers(classId),
    classCompletions(classId, lessonKeys),
    classRepeatedFailures(classId, lessonKeys, STUCK_FAILURES),
  ]);
  return classProgress(tracks, members, completions, failures, Date.now());
}

/** One class: its join link, each learner's progress through its tracks, and who is stuck. */
export default async function ClassPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const user = await requireInstructor(`/instructor/classes/${encodeURIComponent(id)}`);
  const found = await classFor(user, id);
  if (!found.ok) {
    if (found.status === 404) notFound();
    refuseForbidden("class-owner");
  }
  const cls = found.cls;
  const catalog = readCatalog();
  const tracks: ClassTrack[] = cls.tracks.map((slug) => {
    const track = catalog.tracks.find((t) => t.slug === slug);
    return {
      slug,
      title: track?.title ?? `${slug} (no longer in the catalogue)`,
      lessonKeys: track?.chapters.flatMap((c) => c.lessons.map((l) => l.key)) ?? [],
    };
  });
  const rows = await loadClassProgress(cls.id, tracks);
  const stuck = rows.filter((r) => r.stuck.length > 0).length;
  const lessonTitle = (key: string) => catalog.lessons.get(key)?.meta.title ?? key;

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <p>
        <Link href="/instructor/classes">Classes</Link> / class
      </p>
      <h1>{cls.name}</h1>
      <p className={styles.muted}>
        {cls.startsOn || cls.endsOn ? `${cls.startsOn ?? "…"} – ${cls.endsOn ?? "…"} · ` : ""}
        {tracks.map((t) => t.title).join(", ")} · {rows.length} learner(s) · taught by{" "}
        {cls.instructorName}
      </p>
      <JoinLink classId={cls.id} code={cls.joinCode} />
      <div className={styles.actions}>
        <Link href={withClass("/instructor/analytics", cls.id)}>Analytics for this class</Link>
        <a href={withClass("/instructor/analytics/export?kind=exercises", cls.id)} download>
          Export exercises (CSV)
        </a>
      </div>
      <section className={styles.section} aria-labelledby="class-learners">
        <h2 id="class-learners">
          Learners ({rows.length}
          {stuck > 0 ? `, ${stuck} stuck` : ""})
        </h2>
        <p className={styles.muted}>
          Stuck: failed the same check {STUCK_FAILURES} or more times without passing it yet, or no
          activity for 7 days while lessons of the class remain.
        </p>
        {rows.length === 0 ? (
          <p className={styles.muted}>Nobody has joined yet: share the join link above.</p>
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  {tracks.map((t) => (
                    <th key={t.slug} scope="col" className={styles.num}>
                      {t.title}
                    </th>
                  ))}
                  <th scope="col">Last active</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.userId} data-learner={r.email}>
                    <th scope="row">
                      <Link href={`/instructor/learners/${encodeURIComponent(r.userId)}`}>
                        {r.name}
                      </Link>{" "}
                      <span className={styles.muted}>{r.email}</span>
                    </th>
                    {r.tracks.map((t) => (
                      <td key={t.slug} className={styles.num}>
                        {t.completed}/{t.total}
                      </td>
                    ))}
                    <td>{when(r.lastActiveAt)}</td>
                    <td>
                      {r.stuck.length === 0 ? (
                        <StatusBadge tone="ok">on track</StatusBadge>
                      ) : (
                        <>
                          <StatusBadge tone="bad">stuck</StatusBadge>
                          <ul className={styles.problems}>
                            {r.stuck.map((s) =>
                              s.kind === "idle" ? (
                                <li key="idle">no activity for {s.days} days</li>
                              ) : (
                                <li key={`${s.lessonKey}#${s.cellId}`}>
                                  failed {lessonTitle(s.lessonKey)} › <code>{s.cellId}</code>{" "}
                                  {s.failures} times
                                </li>
                              ),
                            )}
                          </ul>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
