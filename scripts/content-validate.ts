/** Validates every track and lesson; prints `file:line: message` per problem and fails on any. */
import { formatProblems, readCatalog } from "../lib/content/catalog";
import { MIN_WRONG_ANSWERS } from "../lib/content/check/check-lesson";

const catalog = readCatalog();
if (catalog.problems.length > 0) {
  console.error(formatProblems(catalog.problems));
  console.error(`content: ${catalog.problems.length} problem(s)`);
  process.exit(1);
}
const cells = [...catalog.lessons.values()].reduce((n, l) => n + l.parsed.cells.length, 0);
// Not a validation failure: content:check enforces the minimum, and only it can prove each one fails.
const short = [...catalog.lessons.values()].flatMap(({ meta, parsed }) =>
  parsed.cells
    .filter((c) => c.role === "exercise" && (c.wrong?.length ?? 0) < MIN_WRONG_ANSWERS)
    .map(
      (c) =>
        `${meta.file}:${c.line}: exercise "${c.id}" lists ${c.wrong?.length ?? 0} wrong answer(s), content:check needs ${MIN_WRONG_ANSWERS}`,
    ),
);
if (short.length > 0) console.error(short.join("\n"));
console.log(
  `content: ${catalog.tracks.length} tracks, ${catalog.lessons.size} lessons, ${cells} cells — valid`,
);
