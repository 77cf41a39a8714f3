/** Validates every track and lesson; prints `file:line: message` per problem and fails on any. */
import { formatProblems, readCatalog } from "../lib/content/catalog";

const catalog = readCatalog();
if (catalog.problems.length > 0) {
  console.error(formatProblems(catalog.problems));
  console.error(`content: ${catalog.problems.length} problem(s)`);
  process.exit(1);
}
const cells = [...catalog.lessons.values()].reduce((n, l) => n + l.parsed.cells.length, 0);
console.log(`content: ${catalog.tracks.length} tracks, ${catalog.lessons.size} lessons, ${cells} cells — valid`);
