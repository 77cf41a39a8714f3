import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { exerciseRows } from "../../lib/instructor/analytics-model";
import { ChapterAnalyticsView } from "./chapter-analytics-view";

describe("ChapterAnalyticsView", () => {
  it("marks self-reported results visibly, and only those", () => {
    const base = {
      attempts: 4,
      passedAttempts: 2,
      learners: 2,
      learnersPassed: 1,
      attemptPassRate: 0.5,
      learnerPassRate: 0.5,
      medianTimeToPassMs: 1_000,
      learnersFirstTry: 0,
      medianAttemptsToPass: 2,
    };
    const exercises = exerciseRows(
      [
        {
          key: "t/c/l",
          title: "L",
          exercises: [
            { id: "fit", kind: "tfjs" },
            { id: "find", kind: "cypher" },
          ],
        },
      ],
      [
        { lessonKey: "t/c/l", cellId: "fit", verification: "self-reported", ...base },
        { lessonKey: "t/c/l", cellId: "find", verification: "server", ...base },
      ],
      [],
    );
    const html = renderToStaticMarkup(
      <ChapterAnalyticsView
        data={{
          track: { slug: "t", title: "T" },
          chapter: { slug: "c", title: "C" },
          steps: [],
          exercises,
        }}
      />,
    );
    const row = (cellId: string) =>
      html.match(new RegExp(`<tr[^>]*data-exercise="t/c/l#${cellId}"[^>]*>.*?</tr>`))?.[0] ?? "";
    expect(row("fit")).toContain('data-verification="self-reported"');
    expect(row("fit")).toMatch(/>self-reported<\/span>/);
    expect(row("find")).toContain('data-verification="server"');
    expect(row("find")).not.toMatch(/>self-reported<\/span>/);
  });
});
