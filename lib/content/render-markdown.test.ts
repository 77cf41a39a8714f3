import { toHtml } from "hast-util-to-html";
import { describe, expect, it } from "vitest";
import { parseMarkdown } from "./parse-lesson";
import { markdownToSafeHast } from "./render-markdown";

const render = (md: string) => toHtml(markdownToSafeHast(parseMarkdown(md).children));

describe("markdownToSafeHast", () => {
  it("drops raw HTML and script URLs", () => {
    const html = render('Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("onerror");
    expect(html).not.toContain("javascript:");
  });
  it("renders GFM tables and math", () => {
    const html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nEnergy $E = mc^2$.");
    expect(html).toContain("<table>");
    expect(html).toContain('class="katex"');
  });
});
