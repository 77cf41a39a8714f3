import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { DeleteAccount, ExportData } from "@/components/account/data-actions";
import { DeviceList } from "@/components/account/device-list";
import styles from "@/components/account/account.module.css";
import { currentSession } from "@/lib/account/account";
import { FRESH_SESSION_MINUTES } from "@/lib/account/fresh-session";
import { describeUserAgent } from "@/lib/account/user-agent";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { listUserSessions } from "@/lib/db/account-repository";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

const when = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export default async function AccountPage() {
  // Read from the database, not the cookie cache: a session ended elsewhere (sign out there, a
  // password reset) must not show this page, even for the minute the cache would allow.
  const requestHeaders = await headers();
  const user = await getSessionFromHeaders(requestHeaders, { fresh: true });
  if (!user) redirect("/sign-in?next=/account");
  const [session, sessions] = await Promise.all([
    currentSession(requestHeaders),
    listUserSessions(user.id),
  ]);
  const devices = sessions.map((row) => ({
    id: row.id,
    name: describeUserAgent(row.userAgent),
    lastSeen: `${when.format(new Date(row.lastSeenAt))} UTC`,
    current: row.id === session?.sessionId,
  }));

  return (
    <main id="main" className={styles.page}>
      <h1>Your account</h1>
      <section className={styles.section} aria-labelledby="account-profile">
        <h2 id="account-profile">Profile</h2>
        <dl className={styles.facts}>
          <dt>Name</dt>
          <dd>{user.name || "—"}</dd>
          <dt>E-mail</dt>
          <dd>{user.email}</dd>
        </dl>
      </section>
      <section className={styles.section} aria-labelledby="account-password">
        <h2 id="account-password">Change password</h2>
        <p>Changing it signs you out on every other device.</p>
        <ChangePasswordForm />
      </section>
      <section className={styles.section} aria-labelledby="account-devices">
        <h2 id="account-devices">Signed-in devices</h2>
        <DeviceList devices={devices} />
      </section>
      <section className={styles.section} aria-labelledby="account-export">
        <h2 id="account-export">Export my data</h2>
        <p>
          A JSON file with your account, your code in every cell, every exercise attempt and your
          lesson progress. Needs a sign-in from the last {FRESH_SESSION_MINUTES} minutes.
        </p>
        <ExportData />
      </section>
      <section className={styles.section} aria-labelledby="account-delete">
        <h2 id="account-delete">Delete my account</h2>
        <p>
          Removes your account and everything saved with it, at once and for good, and signs you out
          everywhere. Export your data first if you want to keep it.
        </p>
        <DeleteAccount userId={user.id} />
      </section>
    </main>
  );
}
