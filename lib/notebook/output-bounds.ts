/**
 * How much of a long output the page shows at once. The kernel and the Cypher runner already
 * cap what they send (lib/kernel/output-batcher.ts, lib/cells/cypher/output-cap.ts); these
 * bounds are for the screen on top of that: a text output shows its last TEXT_TAIL_BYTES (the
 * end of a print loop is what the learner wants) and a table shows TABLE_PAGE_SIZE rows a page.
 */

/** The tail of a long text output shown until the learner asks for all of it. */
const TEXT_TAIL_BYTES = 32 * 1024;
const TABLE_PAGE_SIZE = 50;

/** UTF-8 length of one UTF-16 code unit (a surrogate pair counts 2 + 2 = 4 bytes). */
function unitBytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}

export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) bytes += unitBytes(text.charCodeAt(i));
  return bytes;
}

/** "12 KB", "1.4 MB" (1 KB = 1,024 bytes, never "0 KB" for a non-empty text). */
export function formatKilobytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("en")} KB`;
}

export interface TextTail {
  /** What is shown: the whole text, or its end starting at a line. */
  visible: string;
  /** UTF-8 bytes before `visible` that are not shown (0: nothing hidden). */
  hiddenBytes: number;
  totalBytes: number;
}

/**
 * The end of `text` that fits in `maxBytes`, starting at the beginning of a line when a line
 * break lies in the kept part's first quarter (so the first visible line is not cut), and
 * never inside a surrogate pair.
 */
export function textTail(text: string, maxBytes: number = TEXT_TAIL_BYTES): TextTail {
  const totalBytes = utf8Bytes(text);
  if (totalBytes <= maxBytes) return { visible: text, hiddenBytes: 0, totalBytes };
  let start = text.length;
  let kept = 0;
  while (start > 0) {
    const size = unitBytes(text.charCodeAt(start - 1));
    if (kept + size > maxBytes) break;
    kept += size;
    start -= 1;
  }
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start += 1; // a low surrogate whose pair was cut off
  const lineBreak = text.indexOf("\n", start);
  if (lineBreak !== -1 && lineBreak - start < (text.length - start) / 4) start = lineBreak + 1;
  const visible = text.slice(start);
  return { visible, hiddenBytes: totalBytes - utf8Bytes(visible), totalBytes };
}

export interface TablePage {
  /** 0-based page shown, clamped to the pages that exist. */
  page: number;
  pageCount: number;
  /** Row indices shown: [start, end). */
  start: number;
  end: number;
}

export function tablePage(
  rowCount: number,
  requestedPage: number,
  pageSize: number = TABLE_PAGE_SIZE,
): TablePage {
  const pageCount = Math.max(1, Math.ceil(rowCount / pageSize));
  const page = Math.min(Math.max(0, Math.floor(requestedPage)), pageCount - 1);
  const start = page * pageSize;
  return { page, pageCount, start, end: Math.min(rowCount, start + pageSize) };
}

/** "rows 51–100 of 1,000" (1-based, as a person counts them). */
export function rowRangeLabel(page: TablePage, rowCount: number): string {
  if (rowCount === 0) return "no rows";
  const n = (value: number) => value.toLocaleString("en");
  return `rows ${n(page.start + 1)}–${n(page.end)} of ${n(rowCount)}`;
}
