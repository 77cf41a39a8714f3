/**
 * Finds what the sandbox needs on this machine: bwrap, prlimit, setpriv, a C linker driver and
 * the Rust toolchain folder (rustup's, e.g. ~/.rustup/toolchains/stable-…, or a system /usr one).
 * Looked up once per process; `rustRunnerStatus` turns a failed lookup into a sentence for people.
 */
import "server-only";
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { homedir } from "node:os";
import path from "node:path";

export interface Toolchain {
  bwrap: string;
  prlimit: string;
  setpriv: string;
  /** Host folder of the toolchain (its sysroot), bound read-only into the sandbox. */
  sysroot: string;
  /** Where the sysroot appears inside the sandbox. */
  sandboxSysroot: string;
  /** The real C compiler driver (cc resolved through /etc/alternatives, which is not bound). */
  linker: string;
  rustcVersion: string;
  /** Host target triple, e.g. x86_64-unknown-linux-gnu (names cargo's linker variable). */
  hostTriple: string;
}

export type ToolchainLookup = { ok: true; toolchain: Toolchain } | { ok: false; reason: string };

const SANDBOX_SYSROOT = "/opt/rust";

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function searchPath(): string[] {
  const fromEnv = (process.env.PATH ?? "").split(":").filter(Boolean);
  const cargoHome = process.env.CARGO_HOME ?? path.join(homedir(), ".cargo");
  return [
    ...fromEnv,
    path.join(cargoHome, "bin"),
    "/root/.cargo/bin",
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
  ];
}

function which(name: string, dirs: string[] = searchPath()): string | null {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function lookUpToolchain(): ToolchainLookup {
  const bwrap = which("bwrap");
  if (!bwrap)
    return {
      ok: false,
      reason: "bubblewrap (bwrap) is not installed on the server (Debian package bubblewrap)",
    };
  const prlimit = which("prlimit");
  const setpriv = which("setpriv");
  if (!prlimit || !setpriv)
    return { ok: false, reason: "prlimit/setpriv (util-linux) are missing on the server" };
  const rustc = which("rustc");
  if (!rustc)
    return {
      ok: false,
      reason: "no Rust toolchain on the server (rustc not found in PATH or CARGO_HOME/bin)",
    };
  // `rustc --print sysroot` through rustup's proxy names the active toolchain's folder.
  const env = { ...process.env, RUSTUP_AUTO_INSTALL: "0" };
  const sysrootOut = spawnSync(rustc, ["--print", "sysroot"], {
    encoding: "utf8",
    env,
    timeout: 10_000,
  });
  const sysroot = sysrootOut.stdout?.trim();
  if (sysrootOut.status !== 0 || !sysroot) {
    return {
      ok: false,
      reason: `the Rust toolchain does not answer (rustc --print sysroot failed: ${firstLine(sysrootOut.stderr)})`,
    };
  }
  const verbose =
    spawnSync(rustc, ["-vV"], { encoding: "utf8", env, timeout: 10_000 }).stdout ?? "";
  const version = verbose.split("\n")[0]?.trim() || "rustc";
  const hostTriple = /^host:\s*(\S+)/m.exec(verbose)?.[1];
  if (!hostTriple) return { ok: false, reason: "rustc -vV does not name its host target" };
  if (!isExecutable(path.join(sysroot, "bin", "cargo"))) {
    return { ok: false, reason: `the toolchain at ${sysroot} has no cargo` };
  }
  const cc = which("cc");
  if (!cc)
    return { ok: false, reason: "no C linker (cc) on the server: Rust needs one to link programs" };
  const linker = realpathSync(cc);
  if (!linker.startsWith("/usr/"))
    return {
      ok: false,
      reason: `the linker ${linker} lies outside /usr, which is all the sandbox binds`,
    };
  // A system toolchain under /usr is already visible through the /usr binds; anything else is bound at /opt/rust.
  const sandboxSysroot =
    sysroot.startsWith("/usr/") || sysroot === "/usr" ? sysroot : SANDBOX_SYSROOT;
  return {
    ok: true,
    toolchain: {
      bwrap,
      prlimit,
      setpriv,
      sysroot,
      sandboxSysroot,
      linker,
      rustcVersion: version,
      hostTriple,
    },
  };
}

let cached: ToolchainLookup | null = null;

export function cachedToolchain(): ToolchainLookup {
  cached ??= lookUpToolchain();
  return cached;
}

/** The host folders under /usr that the toolchain and the linker need (those that exist here). */
export function systemBinds(): string[] {
  return ["/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/lib32"].filter((dir) =>
    existsSync(dir),
  );
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0]?.trim() || "no output";
}
