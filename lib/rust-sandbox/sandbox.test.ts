import { describe, expect, it } from "vitest";
import { COMPILE_LIMITS, RUN_LIMITS } from "./limits";
import { buildBwrapArgs, type SandboxSpec } from "./sandbox";
import type { Toolchain } from "./toolchain";

const toolchain: Toolchain = {
  bwrap: "/usr/bin/bwrap",
  prlimit: "/usr/bin/prlimit",
  setpriv: "/usr/bin/setpriv",
  sysroot: "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu",
  sandboxSysroot: "/opt/rust",
  linker: "/usr/bin/x86_64-linux-gnu-gcc-12",
  rustcVersion: "rustc 1.95.0",
  hostTriple: "x86_64-unknown-linux-gnu",
};

function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    toolchain,
    workDir: "/tmp/courses-rust-abc/work",
    workWritable: false,
    passwdFile: "/tmp/courses-rust-abc/passwd",
    groupFile: "/tmp/courses-rust-abc/group",
    uid: 234567,
    command: ["/work/target/debug/demo"],
    env: { PATH: "/usr/bin:/bin" },
    limits: RUN_LIMITS,
    ...overrides,
  };
}

/** [source, destination] of every bind, with its flag. */
function binds(args: string[]): { flag: string; from: string; to: string }[] {
  const out: { flag: string; from: string; to: string }[] = [];
  args.forEach((arg, i) => {
    if (arg === "--bind" || arg === "--ro-bind" || arg === "--dev-bind")
      out.push({ flag: arg, from: args[i + 1] ?? "", to: args[i + 2] ?? "" });
  });
  return out;
}

describe("buildBwrapArgs", () => {
  it("unshares every namespace but the user one, and cuts the environment", () => {
    const args = buildBwrapArgs(spec());
    for (const flag of [
      "--unshare-net",
      "--unshare-pid",
      "--unshare-ipc",
      "--unshare-uts",
      "--die-with-parent",
      "--new-session",
      "--clearenv",
    ]) {
      expect(args).toContain(flag);
    }
    expect(args).not.toContain("--share-net");
    expect(args.slice(args.indexOf("--") + 1)).toEqual([
      "/usr/bin/prlimit",
      `--as=${512 * 1024 * 1024}`,
      "--nproc=32",
      `--fsize=${16 * 1024 * 1024}`,
      "--cpu=10",
      "--nofile=256",
      "--core=0",
      "--",
      "/usr/bin/setpriv",
      "--reuid=234567",
      "--regid=234567",
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--no-new-privs",
      "--",
      "/work/target/debug/demo",
    ]);
  });

  it("binds only system folders and the toolchain read-only, and the work directory", () => {
    const all = binds(buildBwrapArgs(spec()));
    const writable = all.filter((b) => b.flag !== "--ro-bind");
    expect(writable).toEqual([]);
    for (const b of all) {
      const allowed =
        b.from.startsWith("/usr/") ||
        b.from === toolchain.sysroot ||
        b.from.startsWith("/tmp/courses-rust-abc/");
      expect(allowed, `unexpected bind ${b.from}`).toBe(true);
      expect(b.from.startsWith("/work")).toBe(false);
    }
    expect(all).toContainEqual({ flag: "--ro-bind", from: toolchain.sysroot, to: "/opt/rust" });
    expect(all).toContainEqual({
      flag: "--ro-bind",
      from: "/tmp/courses-rust-abc/passwd",
      to: "/etc/passwd",
    });
    expect(all).toContainEqual({
      flag: "--ro-bind",
      from: "/tmp/courses-rust-abc/work",
      to: "/work",
    });
  });

  it("hands bwrap the seccomp filter on fd 3 when there is one", () => {
    expect(buildBwrapArgs(spec())).not.toContain("--seccomp");
    const args = buildBwrapArgs(spec({ seccompFile: "/tmp/courses-rust-abc/seccomp.bpf" }));
    expect(args.slice(args.indexOf("--seccomp"), args.indexOf("--seccomp") + 2)).toEqual([
      "--seccomp",
      "3",
    ]);
    expect(args.indexOf("--seccomp")).toBeLessThan(args.indexOf("--"));
  });

  it("makes the work directory writable only for the build, with its own limits", () => {
    const args = buildBwrapArgs(spec({ workWritable: true, limits: COMPILE_LIMITS }));
    expect(binds(args)).toContainEqual({
      flag: "--bind",
      from: "/tmp/courses-rust-abc/work",
      to: "/work",
    });
    expect(args).toContain("--nproc=128");
    const tmpfs = args.indexOf("/tmp");
    expect(args.slice(tmpfs - 5, tmpfs + 1)).toEqual([
      "--size",
      String(COMPILE_LIMITS.tmpBytes),
      "--perms",
      "1777",
      "--tmpfs",
      "/tmp",
    ]);
  });
});
