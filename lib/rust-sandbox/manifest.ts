/**
 * A deliberately small Cargo.toml check, run before any build: the sandbox has no crates and no
 * network, so dependencies would only fail with cargo's confusing offline resolver error. Build
 * scripts and proc-macros are refused because they would run learner code at compile time with
 * the build's (larger) limits. Line-based on purpose: no TOML parser is installed, and cargo
 * itself still parses the file properly afterwards; this only has to recognise the keys it refuses.
 */
import "server-only";
import type { RustDiagnostic } from "./types";

const DEPENDENCY_TABLE =
  /^(?:target\.(?:'[^']*'|"[^"]*"|[^.\]]+)\.)?(dependencies|dev-dependencies|build-dependencies)(?:\.(.+))?$/;
const FORBIDDEN_TABLES = new Set(["patch", "replace"]);

export function checkManifest(content: string): RustDiagnostic[] {
  const problems: RustDiagnostic[] = [];
  let table = "";
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const lineNo = index + 1;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header?.[1]) {
      table = header[1].replace(/\s+/g, "");
      const dep = DEPENDENCY_TABLE.exec(table);
      if (dep?.[2])
        problems.push(
          noCrates(lineNo, dep[2].replace(/^["']|["']$/g, ""), dep[1] ?? "dependencies"),
        );
      const root = table.split(".")[0] ?? "";
      if (FORBIDDEN_TABLES.has(root))
        problems.push(
          refuse(lineNo, `[${root}] is not supported: this runner builds std-only projects`),
        );
      return;
    }
    const keyMatch = /^("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!keyMatch) return;
    const key = (keyMatch[1] ?? "").replace(/^["']|["']$/g, "");
    const value = (keyMatch[2] ?? "").trim();
    const fullKey = table === "" ? key : `${table}.${key}`;
    const dep = DEPENDENCY_TABLE.exec(fullKey);
    if (dep) {
      // `[dependencies]` + `rand = "1"`, or a dotted `dependencies.rand = "1"`; the crate name is the first segment after the table.
      const crate = (dep[2] ?? key).split(".")[0] ?? key;
      if (!DEPENDENCY_TABLE.exec(table)?.[2])
        problems.push(noCrates(lineNo, crate, dep[1] ?? "dependencies"));
      return;
    }
    if ((fullKey === "package.build" || fullKey === "project.build") && value !== "false") {
      problems.push(refuse(lineNo, "build scripts (build = …) are not supported in the sandbox"));
    } else if (fullKey === "package.links" || fullKey === "project.links") {
      problems.push(
        refuse(lineNo, "links = … is not supported: no native libraries are available"),
      );
    } else if (
      ((fullKey === "lib.proc-macro" || fullKey === "lib.proc_macro") && value === "true") ||
      (/^lib\.crate[-_]type$/.test(fullKey) && value.includes("proc-macro"))
    ) {
      problems.push(refuse(lineNo, "proc-macro crates are not supported in the sandbox"));
    }
  });
  return problems;
}

function noCrates(line: number, crate: string, table: string): RustDiagnostic {
  return refuse(
    line,
    `dependency \`${crate}\` in [${table}]: only the standard library is available here (no crates, no network)`,
  );
}

function refuse(line: number, message: string): RustDiagnostic {
  return { file: "Cargo.toml", line, column: 1, message, severity: "error" };
}
