/** Minimal Gherkin reader for the openCypher TCK feature files (Scenario Outline rows are expanded). */
interface Step {
  keyword: string;
  text: string;
  docString?: string;
  table?: string[][];
}
export interface Scenario {
  feature: string;
  name: string;
  tags: string[];
  steps: Step[];
  line: number;
}

function splitRow(line: string): string[] {
  const t = line.trim();
  const cells: string[] = [];
  let cur = "";
  for (let i = 1; i < t.length; i++) {
    const c = t[i]!;
    if (c === "\\" && i + 1 < t.length) {
      // Gherkin table escapes: \| → |, \\ → \, \n → newline
      const n = t[i + 1]!;
      if (n === "|" || n === "\\") {
        cur += n;
        i++;
        continue;
      }
      if (n === "n") {
        cur += "\n";
        i++;
        continue;
      }
      cur += c;
      continue;
    }
    if (c === "|") {
      cells.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  return cells;
}

export function parseFeature(text: string): Scenario[] {
  const lines = text.split(/\r?\n/);
  let feature = "";
  const out: Scenario[] = [];
  let background: Step[] = [];
  let pendingTags: string[] = [];
  let cur:
    | {
        name: string;
        tags: string[];
        steps: Step[];
        outline: boolean;
        line: number;
        examples: string[][][];
      }
    | undefined;
  let inBackground = false;
  let inExamples = false;
  const flush = (): void => {
    if (!cur) return;
    const steps = [...background, ...cur.steps];
    if (!cur.outline) out.push({ feature, name: cur.name, tags: cur.tags, steps, line: cur.line });
    else {
      for (const ex of cur.examples) {
        const [header, ...rows] = ex;
        if (!header) continue;
        rows.forEach((r, idx) => {
          const sub = (s: string): string =>
            s.replace(/<([^<>]+)>/g, (m, k: string) => {
              const i = header.indexOf(k);
              return i >= 0 ? r[i]! : m;
            });
          out.push({
            feature,
            name: `${cur!.name} #${idx + 1}`,
            tags: cur!.tags,
            line: cur!.line,
            steps: steps.map((s) => ({
              keyword: s.keyword,
              text: sub(s.text),
              docString: s.docString === undefined ? undefined : sub(s.docString),
              table: s.table?.map((row) => row.map(sub)),
            })),
          });
        });
      }
    }
    cur = undefined;
  };
  let i = 0;
  let lastSteps: Step[] | undefined;
  while (i < lines.length) {
    const raw = lines[i]!;
    const line = raw.trim();
    i++;
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("@")) {
      pendingTags.push(...line.split(/\s+/).filter((t) => t.startsWith("@")));
      continue;
    }
    if (line.startsWith("Feature:")) {
      feature = line.slice(8).trim();
      pendingTags = [];
      continue;
    }
    if (line.startsWith("Background:")) {
      inBackground = true;
      background = [];
      lastSteps = background;
      continue;
    }
    const sm = /^(Scenario Outline|Scenario Template|Scenario|Example):\s*(.*)$/.exec(line);
    if (sm) {
      flush();
      inBackground = false;
      inExamples = false;
      cur = {
        name: sm[2]!,
        tags: pendingTags,
        steps: [],
        outline: sm[1] !== "Scenario" && sm[1] !== "Example",
        line: i,
        examples: [],
      };
      pendingTags = [];
      lastSteps = cur.steps;
      continue;
    }
    if (/^(Examples|Scenarios):/.test(line)) {
      inExamples = true;
      cur?.examples.push([]);
      pendingTags = [];
      continue;
    }
    if (line.startsWith('"""') || line.startsWith("```")) {
      const fence = line.slice(0, 3);
      const indent = raw.indexOf(fence);
      const body: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== fence) {
        const l = lines[i]!;
        body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)));
        i++;
      }
      i++;
      const st = lastSteps?.[lastSteps.length - 1];
      if (st) st.docString = body.join("\n");
      continue;
    }
    if (line.startsWith("|")) {
      const row = splitRow(line);
      if (inExamples && cur) cur.examples[cur.examples.length - 1]!.push(row);
      else {
        const st = lastSteps?.[lastSteps.length - 1];
        if (st) (st.table ??= []).push(row);
      }
      continue;
    }
    const km = /^(Given|When|Then|And|But)\s+(.*)$/.exec(line);
    if (km && lastSteps) {
      lastSteps.push({ keyword: km[1]!, text: km[2]! });
      continue;
    }
    void inBackground;
  }
  flush();
  return out;
}
