import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { joinCgroupCommand, ownCgroups } from "./cgroup";

describe("ownCgroups", () => {
  it("reads v1 and v2 lines of /proc/self/cgroup", () => {
    const map = ownCgroups(
      "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/user.slice/app\n",
    );
    expect(map.get("memory")).toBe("/process_api/abc");
    expect(map.get("pids")).toBe("/");
    expect(map.get("cpuacct")).toBe("/x");
    expect(map.get("")).toBe("/user.slice/app");
  });
});

describe("joinCgroupCommand", () => {
  it("leaves the command alone without cgroups", () => {
    expect(joinCgroupCommand([], "/usr/bin/bwrap", ["--x"])).toEqual({
      command: "/usr/bin/bwrap",
      args: ["--x"],
    });
  });

  it("writes its own pid into every procs file, then becomes the command (same pid)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cgroup-join-test-"));
    try {
      const files = [path.join(dir, "a"), path.join(dir, "b")];
      files.forEach((f) => writeFileSync(f, ""));
      const { command, args } = joinCgroupCommand(files, "/bin/sh", [
        "-c",
        'echo "pid=$$ arg=$0"',
        "with space",
      ]);
      const out = spawnSync(command, args, { encoding: "utf8" });
      expect(out.status).toBe(0);
      const pid = readFileSync(files[0] ?? "", "utf8").trim();
      expect(readFileSync(files[1] ?? "", "utf8").trim()).toBe(pid);
      expect(out.stdout.trim()).toBe(`pid=${pid} arg=with space`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
