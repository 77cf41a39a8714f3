import { describe, expect, it } from "vitest";
import { checkManifest } from "./manifest";

const PACKAGE = `[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n`;

describe("checkManifest", () => {
  it("accepts a std-only package, also with an empty [dependencies] table", () => {
    expect(checkManifest(PACKAGE)).toEqual([]);
    expect(checkManifest(`${PACKAGE}\n[dependencies]\n# none yet\n`)).toEqual([]);
  });

  it("refuses dependencies with the crate name and line", () => {
    const problems = checkManifest(`${PACKAGE}\n[dependencies]\nrand = "0.8"\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "Cargo.toml", line: 7, severity: "error" });
    expect(problems[0]?.message).toContain("`rand`");
    expect(problems[0]?.message).toContain("only the standard library");
  });

  it("finds dependencies in every spelling", () => {
    const spellings = [
      `[dev-dependencies]\nproptest = "1"`,
      `[build-dependencies]\ncc = "1"`,
      `[dependencies.serde]\nversion = "1"`,
      `[target.'cfg(unix)'.dependencies]\nlibc = "0.2"`,
      `dependencies.regex = "1"`,
    ];
    for (const extra of spellings) {
      const manifest = extra.startsWith("dependencies.")
        ? `${extra}\n${PACKAGE}`
        : `${PACKAGE}${extra}\n`;
      expect(checkManifest(manifest), extra).toHaveLength(1);
    }
  });

  it("refuses build scripts, links and proc-macros, which would run code at compile time", () => {
    expect(checkManifest(`[package]\nname = "x"\nbuild = "src/build.rs"\n`)[0]?.message).toContain(
      "build scripts",
    );
    expect(checkManifest(`[package]\nname = "x"\nbuild = false\n`)).toEqual([]);
    expect(checkManifest(`${PACKAGE}[lib]\nproc-macro = true\n`)[0]?.message).toContain(
      "proc-macro",
    );
    expect(checkManifest(`${PACKAGE}[lib]\ncrate-type = ["proc-macro"]\n`)[0]?.message).toContain(
      "proc-macro",
    );
    expect(checkManifest(`${PACKAGE}[lib]\ncrate-type = ["rlib"]\n`)).toEqual([]);
    expect(checkManifest(`[package]\nname = "x"\nlinks = "z"\n`)[0]?.message).toContain("links");
    expect(
      checkManifest(`${PACKAGE}[patch.crates-io]\nfoo = { path = "x" }\n`)[0]?.message,
    ).toContain("[patch]");
  });
});
