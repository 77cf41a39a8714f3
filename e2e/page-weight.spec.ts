import { expect, test } from "@playwright/test";
import { measureLessonFirstLoad } from "../scripts/size";

test("a lesson page loads at most 250 KB of gzipped JavaScript before any heavy runtime", async ({
  baseURL,
}) => {
  const kb = await measureLessonFirstLoad(baseURL ?? "");
  console.log(JSON.stringify({ lessonFirstLoadKB: kb }));
  expect(kb).toBeGreaterThan(0);
  expect(kb).toBeLessThanOrEqual(250);
});
