import type { Metadata } from "next";
import { RoleForm } from "@/components/admin/role-form";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import styles from "@/components/instructor/instructor.module.css";
import { requireAdmin } from "@/lib/auth/instructor";
import { recentRoleChanges, searchUsers } from "@/lib/db/roles-repository";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** Admins only: find users by e-mail, change their role, and see every recorded change. */
export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string | string[] }>;
}) {
  const user = await requireAdmin("/admin/users");
  const { q } = await searchParams;
  const search = typeof q === "string" ? q.trim().slice(0, 200) : "";
  const [users, changes] = await Promise.all([searchUsers(search, 50), recentRoleChanges(30)]);

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <h1>Users</h1>
      <form role="search" action="/admin/users" className={styles.actions}>
        <label>
          E-mail contains <input name="q" type="search" defaultValue={search} maxLength={200} />
        </label>
        <button type="submit">Search</button>
      </form>
      <section className={styles.section} aria-labelledby="users">
        <h2 id="users">
          {search ? `Users matching “${search}”` : "Newest users"} ({users.length}
          {users.length === 50 ? ", showing the first 50" : ""})
        </h2>
        {users.length === 0 ? (
          <p className={styles.muted}>No user matches.</p>
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  <th scope="col">Change role</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} data-user={u.email}>
                    <th scope="row">
                      {u.name} <span className={styles.muted}>{u.email}</span>
                    </th>
                    <td>{u.role}</td>
                    <td>{when(u.createdAt)}</td>
                    <td>
                      <RoleForm userId={u.id} email={u.email} role={u.role} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className={styles.section} aria-labelledby="role-changes">
        <h2 id="role-changes">Role changes</h2>
        {changes.length === 0 ? (
          <p className={styles.muted}>No role has been changed yet.</p>
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Whom</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={c.id}>
                    <td>{when(c.at)}</td>
                    <td>{c.actor}</td>
                    <td>{c.targetEmail}</td>
                    <td>{c.from}</td>
                    <td>{c.to}</td>
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
