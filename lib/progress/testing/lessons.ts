import { lessonIndexFrom, setLessonIndexForTests } from "../lesson-index";

// The lessons route-level tests sync to: sync refuses lessons and cells the catalogue lacks, and
// these tests name their own. Every exercise is tfjs, so the browser's results are recorded.
const ROUTE_TEST_LESSONS = lessonIndexFrom({
  "track/01-chapter/01-lesson": [
    { id: "intro", kind: "tfjs", role: "exercise" },
    ...["train", "a", "secret", "x"].map((id) => ({
      id,
      kind: "tfjs" as const,
      role: "cell" as const,
    })),
  ],
  "track/01-chapter/02-faults": [
    ...[0, 1, 2, 3, 4].map((i) => ({
      id: `ex${i}`,
      kind: "tfjs" as const,
      role: "exercise" as const,
    })),
    ...[0, 1, 2, 3, 4].map((i) => ({
      id: `cell${i}`,
      kind: "tfjs" as const,
      role: "cell" as const,
    })),
  ],
});

export function installRouteTestLessons(): void {
  setLessonIndexForTests(ROUTE_TEST_LESSONS);
}
