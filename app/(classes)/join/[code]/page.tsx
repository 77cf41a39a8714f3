import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { JoinButton } from "@/components/classes/join-button";
import styles from "@/components/classes/classes.module.css";
import { getSession } from "@/lib/auth/session";
import { joinCodeSchema } from "@/lib/classes/schemas";
import { readCatalog } from "@/lib/content/catalog";
import { findClassByJoinCode, isClassMember } from "@/lib/db/classes-repository";

export const metadata: Metadata = { title: "Join a class", robots: { index: false } };
export const dynamic = "force-dynamic";

/**
 * A class's join link. Visitors sign in first and come back here; a signed-in learner sees the
 * class and joins with a button. A revoked or unknown code says so and shows nothing else.
 */
export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const user = await getSession();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/join/${code}`)}`);
  const valid = joinCodeSchema.safeParse(code);
  const cls = valid.success ? await findClassByJoinCode(valid.data) : null;
  if (!cls)
    return (
      <main id="main" className={styles.page}>
        <h1>This join link is no longer valid</h1>
        <p>The instructor may have replaced it with a new one. Ask them for the current link.</p>
        <p>
          <Link href="/">Back to the catalogue</Link>
        </p>
      </main>
    );
  const member = await isClassMember(cls.id, user.id);
  const catalog = readCatalog();
  const tracks = cls.tracks
    .map((slug) => catalog.tracks.find((t) => t.slug === slug))
    .filter((t) => t !== undefined);

  return (
    <main id="main" className={styles.page}>
      <p>Class taught by {cls.instructorName}</p>
      <h1>{cls.name}</h1>
      {(cls.startsOn || cls.endsOn) && (
        <p>
          {cls.startsOn ?? "…"} – {cls.endsOn ?? "…"}
        </p>
      )}
      <p>The class follows:</p>
      <ul>
        {tracks.map((t) => (
          <li key={t.slug}>
            <Link href={`/learn/${t.slug}`}>{t.title}</Link>
          </li>
        ))}
      </ul>
      <p>
        Joining lets the class&apos;s instructor see your progress and exercise attempts (signed in
        as {user.email}).
      </p>
      {member ? (
        <p role="status" className={styles.success}>
          You are in this class.
        </p>
      ) : (
        <JoinButton code={cls.joinCode} className={cls.name} />
      )}
    </main>
  );
}
