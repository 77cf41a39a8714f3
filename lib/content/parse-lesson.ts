import type { Blockquote, Code, Heading, Link, Root, RootContent } from "mdast";
import { toString } from "mdast-util-to-string";
import GithubSlugger from "github-slugger";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";
import type { CellKind } from "@/lib/notebook/types";
import { parseFenceInfo } from "./cell-info";
import { splitFrontMatter, type ContentProblem } from "./front-matter";
import { projectManifests } from "./project-manifests";
import type { FrontMatter } from "./schema";

export interface LessonCell {
  id: string;
  kind: CellKind;
  /** "exercise" cells have a goal the check verifies; plain cells just run. */
  role: "cell" | "exercise";
  code: string;
  hidden: boolean;
  attributes: Record<string, string>;
  solution?: string;
  check?: string;
  /**
   * Plausible wrong answers its check must reject (content:check proves it). Author-only: never
   * rendered nor sent to the browser, and not cells, so no lookup by id can find one.
   */
  wrong?: WrongAnswer[];
  /** Hints as Markdown nodes, revealed one by one. */
  hints: RootContent[][];
  /** 1-based line of the fence in the lesson file. */
  line: number;
  /** For exercises: 1-based lines of the solution and check fences (content:check blames the part that failed). */
  partLines?: { solution?: number; check?: number };
}

interface WrongAnswer {
  code: string;
  /** 1-based line of its fence in the lesson file. */
  line: number;
}

export type LessonBlock = { type: "prose"; nodes: RootContent[] } | { type: "cell"; cell: LessonCell };

interface TocHeading {
  depth: 2 | 3;
  text: string;
  slug: string;
}

export interface ParsedLesson {
  frontMatter: FrontMatter | null;
  blocks: LessonBlock[];
  cells: LessonCell[];
  headings: TocHeading[];
  links: { url: string; line: number }[];
  problems: ContentProblem[];
}

const markdownParser = unified().use(remarkParse).use(remarkGfm).use(remarkMath);

export function parseMarkdown(markdown: string): Root {
  return markdownParser.parse(markdown);
}

const HINT_PREFIX = /^\s*hint\b\s*[:.]?\s*/i;

/** A blockquote whose text starts with "Hint:" is a hint for the exercise above it. */
function hintContent(node: Blockquote): RootContent[] | null {
  const first = node.children[0];
  if (first?.type !== "paragraph") return null;
  const lead = first.children[0];
  if (lead?.type === "strong" && HINT_PREFIX.test(toString(lead))) {
    const rest = first.children.slice(1);
    if (rest[0]?.type === "text") rest[0] = { ...rest[0], value: rest[0].value.replace(/^\s*[:.]?\s*/, "") };
    return [{ ...first, children: rest }, ...node.children.slice(1)];
  }
  if (lead?.type === "text" && HINT_PREFIX.test(lead.value)) {
    const trimmed = { ...lead, value: lead.value.replace(HINT_PREFIX, "") };
    return [{ ...first, children: [trimmed, ...first.children.slice(1)] }, ...node.children.slice(1)];
  }
  return null;
}

/** Parses one lesson file into front matter, prose and cells, collecting every problem by line. */
export function parseLesson(text: string): ParsedLesson {
  const { frontMatter, body, bodyLineOffset, problems } = splitFrontMatter(text);
  const tree = parseMarkdown(body);
  const lineOf = (node: { position?: { start: { line: number } } }) => (node.position?.start.line ?? 1) + bodyLineOffset;

  const blocks: LessonBlock[] = [];
  const cells: LessonCell[] = [];
  const byId = new Map<string, LessonCell>();
  let prose: RootContent[] = [];
  let lastExercise: LessonCell | null = null;

  const flushProse = () => {
    if (prose.length > 0) blocks.push({ type: "prose", nodes: prose });
    prose = [];
  };

  for (const node of tree.children) {
    if (node.type === "code") {
      const parsed = parseFenceInfo(node.lang, node.meta);
      if (parsed.type === "plain") {
        prose.push(node);
        continue;
      }
      if (parsed.type === "error") {
        problems.push({ line: lineOf(node), message: parsed.message });
        continue;
      }
      const { info } = parsed;
      if (info.role === "wrong") {
        const target = byId.get(info.id);
        if (!target || target.role !== "exercise") {
          problems.push({ line: lineOf(node), message: `wrong answer "${info.id}" has no exercise with id=${info.id} above it` });
        } else if (target.kind !== info.kind) {
          problems.push({ line: lineOf(node), message: `wrong answer "${info.id}" is ${info.kind} but its exercise is ${target.kind}` });
        } else {
          (target.wrong ??= []).push({ code: (node as Code).value, line: lineOf(node) });
        }
        continue;
      }
      if (info.role === "solution" || info.role === "check") {
        const target = byId.get(info.id);
        if (!target || target.role !== "exercise") {
          problems.push({ line: lineOf(node), message: `${info.role} "${info.id}" has no exercise with id=${info.id} above it` });
        } else if (target.kind !== info.kind) {
          problems.push({ line: lineOf(node), message: `${info.role} "${info.id}" is ${info.kind} but its exercise is ${target.kind}` });
        } else if (target[info.role] !== undefined) {
          problems.push({ line: lineOf(node), message: `exercise "${info.id}" already has a ${info.role}` });
        } else {
          target[info.role] = (node as Code).value;
          (target.partLines ??= {})[info.role] = lineOf(node);
        }
        continue;
      }
      if (byId.has(info.id)) {
        problems.push({ line: lineOf(node), message: `duplicate cell id "${info.id}" (first at line ${byId.get(info.id)?.line})` });
        continue;
      }
      flushProse();
      const cell: LessonCell = {
        id: info.id,
        kind: info.kind,
        role: info.role === "exercise" ? "exercise" : "cell",
        code: node.value,
        hidden: info.hidden,
        attributes: info.attributes,
        hints: [],
        line: lineOf(node),
      };
      if (info.kind === "cypher" && !cell.attributes.dataset && frontMatter?.dataset) {
        cell.attributes.dataset = frontMatter.dataset;
      }
      byId.set(cell.id, cell);
      cells.push(cell);
      blocks.push({ type: "cell", cell });
      lastExercise = cell.role === "exercise" ? cell : null;
      continue;
    }
    if (node.type === "blockquote") {
      const hint = hintContent(node);
      if (hint) {
        if (lastExercise) {
          lastExercise.hints.push(hint);
          continue;
        }
        problems.push({ line: lineOf(node), message: "a Hint: blockquote must follow an exercise cell" });
      }
    }
    prose.push(node);
  }
  flushProse();

  // A Rust cell carries its project's Cargo.toml, so whoever runs it needs only the cells.
  const manifests = projectManifests(blocks.flatMap((b) => (b.type === "prose" ? [b.nodes] : [])));
  for (const cell of cells) {
    const manifest = cell.kind === "rust" && cell.attributes.project ? manifests.get(cell.attributes.project) : undefined;
    if (manifest !== undefined) cell.attributes.manifest = manifest;
  }

  for (const cell of cells) {
    if (cell.role === "exercise" && cell.check === undefined) {
      problems.push({ line: cell.line, message: `exercise "${cell.id}" has no check (add a \`${cell.kind} id=${cell.id} check\` block)` });
    }
  }

  const slugger = new GithubSlugger();
  const headings: TocHeading[] = [];
  const links: { url: string; line: number }[] = [];
  visit(tree, (node) => {
    if (node.type === "heading") {
      const heading = node as Heading;
      const text = toString(heading);
      const slug = slugger.slug(text);
      heading.data = { ...heading.data, hProperties: { ...heading.data?.hProperties, id: slug } };
      if (heading.depth === 2 || heading.depth === 3) headings.push({ depth: heading.depth, text, slug });
    } else if (node.type === "link") {
      links.push({ url: (node as Link).url, line: lineOf(node) });
    }
  });

  return { frontMatter, blocks, cells, headings, links, problems };
}
