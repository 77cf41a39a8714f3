// Each class member's progress through the class's tracks, and who is stuck: a learner who has
// failed the same exercise check at least three times without passing it yet, or who has done
// nothing (no lesson visit, no attempt) for seven days while lessons of the class remain.
// Pure: the class page feeds it rows from lib/db/classes-repository.ts.

export const STUCK_FAILURES = 3;
export const STUCK_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

export type ClassTrack = { slug: string; title: string; lessonKeys: string[] };

type Member = {
  userId: string;
  name: string;
  email: string;
  joinedAt: number;
  lastActiveAt: number | null;
};
type Completion = { userId: string; lessonKey: string };
type Failures = {
  userId: string;
  lessonKey: string;
  cellId: string;
  failures: number;
  passed: boolean;
};

type StuckReason =
  | { kind: "failing"; lessonKey: string; cellId: string; failures: number }
  | { kind: "idle"; days: number };

type MemberProgress = Member & {
  tracks: { slug: string; completed: number; total: number }[];
  completed: number;
  total: number;
  stuck: StuckReason[];
};

export function classProgress(
  tracks: ClassTrack[],
  members: Member[],
  completions: Completion[],
  failures: Failures[],
  now: number,
): MemberProgress[] {
  const done = new Map<string, Set<string>>();
  for (const c of completions) {
    const set = done.get(c.userId) ?? new Set<string>();
    set.add(c.lessonKey);
    done.set(c.userId, set);
  }
  return members.map((member) => {
    const mine = done.get(member.userId) ?? new Set<string>();
    const perTrack = tracks.map((t) => ({
      slug: t.slug,
      completed: t.lessonKeys.filter((key) => mine.has(key)).length,
      total: t.lessonKeys.length,
    }));
    const completed = perTrack.reduce((sum, t) => sum + t.completed, 0);
    const total = perTrack.reduce((sum, t) => sum + t.total, 0);
    const stuck: StuckReason[] = failures
      .filter((f) => f.userId === member.userId && !f.passed && f.failures >= STUCK_FAILURES)
      .map((f) => ({
        kind: "failing",
        lessonKey: f.lessonKey,
        cellId: f.cellId,
        failures: f.failures,
      }));
    // Idle counts from the last activity, or from joining for a learner who never started.
    const since = Math.max(member.lastActiveAt ?? 0, member.joinedAt);
    if (completed < total && now - since >= STUCK_IDLE_MS)
      stuck.push({ kind: "idle", days: Math.floor((now - since) / (24 * 60 * 60 * 1000)) });
    return { ...member, tracks: perTrack, completed, total, stuck };
  });
}
