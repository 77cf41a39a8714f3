import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { findClass, listClasses, type ClassSummary } from "@/lib/db/classes-repository";
import { ALL_LEARNERS, type LearnerScope } from "@/lib/db/learner-scope";

// Who may see which class, and whose progress an instructor's analytics cover: admins every
// learner and every class; an instructor only the members of their own classes (none at all
// before they create one).

type Viewer = Pick<SessionUser, "id" | "role">;

function canManageClass(viewer: Viewer, cls: Pick<ClassSummary, "instructorId">): boolean {
  return viewer.role === "admin" || cls.instructorId === viewer.id;
}

/** A class the viewer may manage, or why not: 404 (no such class) or 403 (someone else's). */
export async function classFor(
  viewer: Viewer,
  classId: string,
): Promise<{ ok: true; cls: ClassSummary } | { ok: false; status: 403 | 404 }> {
  const cls = classId.length > 100 ? null : await findClass(classId);
  if (!cls) return { ok: false, status: 404 };
  return canManageClass(viewer, cls) ? { ok: true, cls } : { ok: false, status: 403 };
}

type AnalyticsScope = {
  scope: LearnerScope;
  /** The classes the viewer can pick from (all of them for admins). */
  classes: ClassSummary[];
  /** The picked class, or null for "all my classes" (instructors) / "everyone" (admins). */
  selected: ClassSummary | null;
};

/** The learners analytics may show this viewer, narrowed to `classId` when given. */
export async function analyticsScopeFor(
  viewer: Viewer,
  classId: string | undefined,
): Promise<AnalyticsScope | { refused: 403 | 404 }> {
  const classes = await listClasses(viewer.role === "admin" ? null : viewer.id);
  if (classId) {
    const found = await classFor(viewer, classId);
    if (!found.ok) return { refused: found.status };
    return { scope: { kind: "classes", classIds: [found.cls.id] }, classes, selected: found.cls };
  }
  if (viewer.role === "admin") return { scope: ALL_LEARNERS, classes, selected: null };
  return {
    scope: { kind: "classes", classIds: classes.map((c) => c.id) },
    classes,
    selected: null,
  };
}
