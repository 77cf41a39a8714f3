import type { Element, Root as HastRoot } from "hast";
import { toJsxRuntime, type Components } from "hast-util-to-jsx-runtime";
import { defaultSchema, sanitize, type Schema } from "hast-util-sanitize";
import type { RootContent } from "mdast";
import { toHast } from "mdast-util-to-hast";
import rehypeKatex from "rehype-katex";
import type { ReactNode } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";
import { VFile } from "vfile";

/**
 * GitHub's sanitize schema plus what math needs. Raw HTML in lessons is never parsed at all
 * (mdast-util-to-hast drops it), and what is left is sanitized before KaTeX renders math.
 */
const schema: Schema = {
  ...defaultSchema,
  clobberPrefix: "",
  attributes: {
    ...defaultSchema.attributes,
    code: [["className", /^language-./, "math-inline", "math-display"]],
    h2: ["id"],
    h3: ["id"],
    h4: ["id"],
  },
};

const renderMath = rehypeKatex({ output: "htmlAndMathml" });

/** Markdown nodes → sanitized HTML tree with rendered math. Pure; tested. */
export function markdownToSafeHast(nodes: RootContent[]): HastRoot {
  const hast = toHast({ type: "root", children: nodes }) as HastRoot;
  const clean = sanitize(hast, schema) as HastRoot;
  renderMath(clean, new VFile());
  return clean;
}

export function hastToReact(tree: HastRoot, components: Partial<Components>): ReactNode {
  return toJsxRuntime(tree, { Fragment, jsx, jsxs, components });
}

export function codeOfPre(node: Element | undefined): { code: string; language: string } | null {
  const child = node?.children.find((c): c is Element => c.type === "element" && c.tagName === "code");
  if (!child) return null;
  const className = child.properties.className;
  const classes = Array.isArray(className) ? className.map(String) : [];
  const language = classes.find((c) => c.startsWith("language-"))?.slice("language-".length) ?? "text";
  const code = child.children.map((c) => (c.type === "text" ? c.value : "")).join("");
  return { code, language };
}
