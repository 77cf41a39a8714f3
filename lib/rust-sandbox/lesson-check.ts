/**
 * How a Rust exercise is checked: the lesson's check block (`#[test]` functions) becomes a test
 * module at the end of the cell's file, so it can call the learner's functions (private ones
 * too), and the project runs with `cargo test`. One definition for the notebook and content:check.
 */
import type { ProjectFile } from "./types";

export function withCheckModule(files: ProjectFile[], file: string, check: string): ProjectFile[] {
  return files.map((f) =>
    f.path === file
      ? { ...f, content: `${f.content}\n\n#[cfg(test)]\nmod lesson_check {\n    #[allow(unused_imports)]\n    use super::*;\n${check}\n}\n` }
      : f,
  );
}
