/**
 * The attack list, through the real runner and the real sandbox. Each test also proves that no
 * process of the run's throw-away uid is alive afterwards. Skipped (with the reason) where
 * bwrap or the toolchain is missing.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRunCgroup } from "./cgroup";
import { createBuildQueue } from "./queue";
import { runRustProject, rustcInfoOnce, type RunRustOptions } from "./runner";
import { processesOfUid } from "./sandbox";
import { rustRunnerStatus } from "./status";
import { cachedToolchain } from "./toolchain";
import type { ProjectFile, RunMode } from "./types";

const status = rustRunnerStatus();
if (!status.available) console.warn(`Rust runner attack tests skipped: ${status.reason}`);
const probeCgroup = createRunCgroup(`courses-rust-probe-${process.pid}`, {
  memoryBytes: 64 << 20,
  pids: 8,
});
const cgroupsWork = probeCgroup !== null;
probeCgroup?.remove();
if (status.available && !cgroupsWork)
  console.warn("no writable cgroups here: the whole-run memory test is skipped (rlimits only)");

const MANIFEST = `[package]\nname = "attack"\nversion = "0.1.0"\nedition = "2021"\n`;
const REPO_ROOT = path.resolve(__dirname, "../..");

function project(main: string, extra: ProjectFile[] = []): ProjectFile[] {
  return [
    { path: "Cargo.toml", content: MANIFEST },
    { path: "src/main.rs", content: main },
    ...extra,
  ];
}

let lastUid: number | null = null;

async function run(files: unknown, mode: RunMode = "run") {
  const options: RunRustOptions = { mode, onSandboxUid: (uid) => (lastUid = uid) };
  return runRustProject(files, options);
}

afterEach(() => {
  if (lastUid !== null) expect(processesOfUid(lastUid), "a process outlived its run").toEqual([]);
  lastUid = null;
});

describe.skipIf(!status.available)("rust runner: ordinary projects", () => {
  it("builds and runs hello world", async () => {
    const result = await run(
      project(`fn main() { println!("Hello, sandbox!"); eprintln!("to stderr"); }`),
    );
    expect(result).toMatchObject({
      status: "ok",
      exitCode: 0,
      stdout: "Hello, sandbox!\n",
      stderr: "to stderr\n",
      truncated: false,
    });
    expect(result.compileMs).toBeGreaterThan(0);
    expect(result.runMs).toBeGreaterThan(0);
  });

  it("harvests cargo's rustc probe cache once, from its own warm-up build", async () => {
    const lookup = cachedToolchain();
    if (!lookup.ok) throw new Error(lookup.reason);
    const info = await rustcInfoOnce(lookup.toolchain);
    expect(info).not.toBeNull();
    expect(JSON.parse(info ?? "{}")).toMatchObject({
      rustc_fingerprint: expect.any(Number),
      outputs: expect.any(Object),
    });
    expect(info).toContain("/opt/rust");
    expect(await rustcInfoOnce(lookup.toolchain)).toBe(info);
  });

  it("reports compile errors with file, line and column", async () => {
    const result = await run(project(`fn main() {\n    let x: i32 = "text";\n}\n`));
    expect(result.status).toBe("compile-error");
    const error = result.diagnostics.find((d) => d.severity === "error");
    expect(error).toMatchObject({ file: "src/main.rs", line: 2, column: 18 });
    expect(error?.message).toContain("mismatched types");
    expect(result.stderr).toContain("error[E0308]");
  });

  it("runs cargo test over a multi-file project (lib, main, tests/)", async () => {
    const lib = `pub fn add(a: i32, b: i32) -> i32 { a + b }\n#[cfg(test)]\nmod tests { #[test] fn adds() { assert_eq!(super::add(2, 2), 4); } }\n`;
    const integration = `#[test] fn from_outside() { assert_eq!(attack::add(1, 2), 3); }\n`;
    const files = project(`fn main() { println!("{}", attack::add(1, 1)); }`, [
      { path: "src/lib.rs", content: lib },
      { path: "tests/outside.rs", content: integration },
    ]);
    const ran = await run(files);
    expect(ran).toMatchObject({ status: "ok", stdout: "2\n" });
    const tested = await run(files, "test");
    expect(tested.status).toBe("ok");
    expect(tested.stdout).toContain("test tests::adds ... ok");
    expect(tested.stdout).toContain("test from_outside ... ok");
    // Each test binary's results follow its own "Running <file>" header; cargo's order of the
    // binaries is not fixed (seen both ways here), so each is checked on its own.
    expect(tested.stdout).toMatch(
      /Running src\/lib\.rs\n\s*running 1 test\ntest tests::adds \.\.\. ok/,
    );
    expect(tested.stdout).toMatch(
      /Running tests\/outside\.rs\n\s*running 1 test\ntest from_outside \.\.\. ok/,
    );
    const failing = await run(
      project("fn main() {}", [
        { path: "tests/fail.rs", content: "#[test] fn no() { assert_eq!(1, 2); }" },
      ]),
      "test",
    );
    expect(failing.status).toBe("runtime-error");
    expect(failing.stdout).toContain("test no ... FAILED");
  });

  it("refuses crates with a clear message before building", async () => {
    const result = await run([
      { path: "Cargo.toml", content: `${MANIFEST}\n[dependencies]\nrand = "0.8"\n` },
      { path: "src/main.rs", content: "fn main() {}" },
    ]);
    expect(result.status).toBe("compile-error");
    expect(result.message).toContain("only the standard library");
    expect(result.diagnostics[0]).toMatchObject({ file: "Cargo.toml", line: 7 });
    expect(result.compileMs).toBe(0);
  });

  it("refuses paths outside the project", async () => {
    const result = await run([
      ...project("fn main() {}"),
      { path: "../../escape.rs", content: "" },
    ]);
    expect(result.status).toBe("compile-error");
    expect(result.message).toContain("'..'");
  });
});

describe.skipIf(!status.available)("rust runner: the build queue", () => {
  it("builds at most 2 projects at once; the third waits with its position", async () => {
    const queue = createBuildQueue(2);
    const positions: number[][] = [[], [], []];
    const results = await Promise.all(
      [0, 1, 2].map((i) =>
        runRustProject(project(`fn main() { println!("run {}", ${i}); }`), {
          queue,
          onQueuePosition: (p) => positions[i]?.push(p),
        }),
      ),
    );
    expect(results.map((r) => r.stdout)).toEqual(["run 0\n", "run 1\n", "run 2\n"]);
    expect(positions).toEqual([[0], [0], [1, 0]]);
  });
});

describe.skipIf(!status.available)("rust runner: the attack list", () => {
  it("has no network: neither the internet nor the host's Postgres", async () => {
    const hostPostgres = await new Promise<boolean>((resolve) => {
      const socket = connect(5432, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (!hostPostgres)
      console.warn(
        "note: nothing listens on 127.0.0.1:5432 on this host; the loopback check is weaker",
      );
    const result = await run(
      project(`use std::net::TcpStream; use std::time::Duration;
fn main() {
    for addr in ["1.1.1.1:80", "127.0.0.1:5432", "127.0.0.1:6379"] {
        match TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(2)) {
            Ok(_) => println!("CONNECTED {addr}"),
            Err(e) => println!("blocked {addr}: {e}"),
        }
    }
}`),
    );
    expect(result.status).toBe("ok");
    expect(result.stdout).not.toContain("CONNECTED");
    expect(result.stdout).toContain("blocked 1.1.1.1:80");
    expect(result.stdout).toContain("blocked 127.0.0.1:5432");
  });

  it("does not show the host's /etc/passwd, the app's files or environment at run time", async () => {
    const packageJson = path.join(REPO_ROOT, "package.json");
    const result = await run(
      project(`fn main() {
    println!("passwd={}", std::fs::read_to_string("/etc/passwd").unwrap_or_default());
    println!("app={:?}", std::fs::read_to_string(${JSON.stringify(packageJson)}).is_ok());
    println!("root={:?}", std::fs::read_dir("/root").is_ok());
    let mut top: Vec<String> = std::fs::read_dir("/").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    top.sort();
    println!("top={}", top.join(","));
    let mut env: Vec<String> = std::env::vars().map(|(k, _)| k).collect();
    env.sort();
    println!("env={}", env.join(","));
}`),
    );
    expect(result.status).toBe("ok");
    const hostPasswd = readFileSync("/etc/passwd", "utf8");
    expect(result.stdout).not.toContain(hostPasswd.split("\n")[0] ?? "root:x:0:0");
    expect(result.stdout).toMatch(/passwd=learner:x:\d+:/);
    expect(result.stdout).toContain("app=false");
    expect(result.stdout).toContain("root=false");
    expect(result.stdout).toContain("top=bin,dev,etc,lib,lib64,opt,proc,tmp,usr,work");
    expect(result.stdout).toContain("env=HOME,LANG,PATH,PWD");
  });

  it("cannot include the app's files at compile time", async () => {
    const packageJson = path.join(REPO_ROOT, "package.json");
    const result = await run(
      project(
        `const APP: &str = include_str!(${JSON.stringify(packageJson)});\nfn main() { println!("{}", APP); }`,
      ),
    );
    expect(result.status).toBe("compile-error");
    expect(result.stdout).toBe("");
    expect(result.diagnostics[0]?.message).toContain("couldn't read");
    expect(result.stderr).not.toContain('"name": "courses"');
  });

  it("cannot write outside /tmp (the project itself is read-only while it runs)", async () => {
    const result = await run(
      project(`fn main() {
    for target in ["/usr/bin/evil", "/etc/evil", "/opt/rust/evil", "/work/evil", "/work/src/main.rs", "/evil", "/tmp/fine"] {
        match std::fs::write(target, "x") { Ok(_) => println!("wrote {target}"), Err(e) => println!("refused {target}: {e}") }
    }
}`),
    );
    expect(result.status).toBe("ok");
    expect(result.stdout.match(/^wrote /gm)).toEqual(["wrote "]);
    expect(result.stdout).toContain("wrote /tmp/fine");
    expect(result.stdout).toContain("refused /work/src/main.rs");
  });

  it("contains a fork bomb (process limit) and leaves no process behind", async () => {
    const result = await run(
      project(`fn main() {
    let mut children = Vec::new();
    loop {
        match std::process::Command::new("/proc/self/exe").spawn() {
            Ok(child) => children.push(child),
            Err(e) => { println!("spawn refused: {e}"); break; }
        }
    }
    loop { std::thread::sleep(std::time::Duration::from_millis(100)); }
}`),
    );
    expect(result.status).toBe("timeout");
    expect(result.stdout).toContain("spawn refused");
  });

  it("stops an infinite loop after 5 s", async () => {
    const result = await run(
      project(
        `fn main() { let mut x = 0u64; loop { x = std::hint::black_box(x.wrapping_add(1)); } }`,
      ),
    );
    expect(result.status).toBe("timeout");
    expect(result.message).toContain("5 s");
    expect(result.runMs).toBeGreaterThanOrEqual(5_000);
    expect(result.runMs).toBeLessThan(8_000);
  });

  it("stops a memory bomb at 512 MB", async () => {
    const result = await run(
      project(
        `fn main() { let mut v: Vec<Vec<u8>> = Vec::new(); loop { v.push(vec![1u8; 16 << 20]); } }`,
      ),
    );
    expect(result.status).toBe("killed");
    expect(result.message).toContain("out of memory");
  });

  it.skipIf(!cgroupsWork)(
    "stops a memory bomb spread over several processes (one cgroup per run)",
    async () => {
      const result = await run(
        project(`fn main() {
    if std::env::args().nth(1).as_deref() == Some("child") {
        let mut v = vec![0u8; 300 << 20];
        for i in (0..v.len()).step_by(4096) { v[i] = 1; }
        std::thread::sleep(std::time::Duration::from_secs(2));
        return;
    }
    let children: Vec<_> = (0..6).map(|_| std::process::Command::new("/proc/self/exe").arg("child").spawn().unwrap()).collect();
    for mut c in children { println!("child {:?}", c.wait().unwrap().code()); }
}`),
      );
      expect(result.status).toBe("killed");
      expect(result.message).toContain("out of memory");
      expect(result.stdout).toContain("child None"); // at least one child was killed by the OOM killer
    },
  );

  it("cuts an output flood at 64 KB", async () => {
    const result = await run(
      project(`fn main() { loop { println!("flood flood flood flood flood flood"); } }`),
    );
    expect(result.status).toBe("killed");
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThan(64 * 1024 + 100);
    expect(result.stdout).toContain("[output truncated at 64 KB]");
  });

  it("kills processes that try to outlive the run in their own process group", async () => {
    const result = await run(
      project(`use std::os::unix::process::CommandExt;
fn main() {
    let child = std::process::Command::new("/bin/sleep").arg("60").process_group(0).spawn().unwrap();
    println!("left behind {}", child.id());
}`),
    );
    expect(result.status).toBe("ok");
    expect(result.stdout).toContain("left behind");
    // afterEach: no process of the run's uid is alive.
  });

  it("stops a compile that never ends (const eval) after 20 s", { timeout: 45_000 }, async () => {
    const result = await run(
      project(`#![allow(long_running_const_eval)]
const X: u64 = { let mut i = 0u64; let mut j = 0u64; while i < u64::MAX { i += 1; j = j.wrapping_mul(31).wrapping_add(i); } j };
fn main() { println!("{X}"); }`),
    );
    expect(result.status).toBe("timeout");
    expect(result.message).toContain("20 s");
    expect(result.compileMs).toBeGreaterThanOrEqual(20_000);
    expect(result.compileMs).toBeLessThan(25_000);
  });

  it("cannot open new namespaces or reach risky kernel interfaces (seccomp), yet threads and child processes work", async () => {
    const result = await run(
      project(`extern "C" { fn unshare(flags: i32) -> i32; fn syscall(n: i64, ...) -> i64; }
fn main() {
    let r = unsafe { unshare(0x10000000) };
    println!("unshare={r} {}", std::io::Error::last_os_error());
    let r = unsafe { syscall(321, 0, 0, 0) };
    println!("bpf={r} {}", std::io::Error::last_os_error());
    let r = unsafe { syscall(101, 16, 1, 0, 0) };
    println!("ptrace={r} {}", std::io::Error::last_os_error());
    let sum: i32 = (0..4).map(|i| std::thread::spawn(move || i)).map(|t| t.join().unwrap()).sum();
    println!("threads={sum}");
    let child = std::process::Command::new("/bin/echo").arg("child").output().unwrap();
    print!("{}", String::from_utf8_lossy(&child.stdout));
}`),
    );
    expect(result.status).toBe("ok");
    expect(result.stdout).toContain("unshare=-1 Operation not permitted");
    expect(result.stdout).toContain("bpf=-1 Operation not permitted");
    expect(result.stdout).toContain("ptrace=-1 Operation not permitted");
    expect(result.stdout).toContain("threads=6");
    expect(result.stdout).toContain("child\n");
  });

  it("contains an exploding recursive macro", async () => {
    const result = await run(
      project(`#![recursion_limit = "100000"]
macro_rules! bomb { ($($t:tt)*) => { bomb!($($t)* $($t)*); } }
fn main() { bomb!(x); }`),
    );
    expect(["compile-error", "killed", "timeout"]).toContain(result.status);
    expect(result.stdout).toBe("");
  });
});
