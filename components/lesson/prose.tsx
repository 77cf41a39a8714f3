import type { Element } from "hast";
import type { RootContent } from "mdast";
import Link from "next/link";
import type { ComponentProps } from "react";
import { highlightCode } from "@/lib/content/highlight";
import { codeOfPre, hastToReact, markdownToSafeHast } from "@/lib/content/render-markdown";

async function CodeBlock({ node }: { node?: Element }) {
  const block = codeOfPre(node);
  if (!block) return null;
  const html = await highlightCode(block.code.replace(/\n$/, ""), block.language);
  return <div className="code-block" dangerouslySetInnerHTML={{ __html: html }} />;
}

function LessonLink({ href = "", ...rest }: ComponentProps<"a">) {
  if (href.startsWith("/") || href.startsWith("#") || href.startsWith("."))
    return <Link href={href} {...rest} />;
  return <a href={href} rel="noopener noreferrer" {...rest} />;
}

/** Lesson prose: sanitized Markdown with math, highlighted code blocks and client-side links. */
export function Prose({ nodes }: { nodes: RootContent[] }) {
  return <>{hastToReact(markdownToSafeHast(nodes), { pre: CodeBlock, a: LessonLink })}</>;
}
