import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pickSandboxUid, sweepStaleWorkDirs } from "./runner";

describe("pickSandboxUid", () => {
  it("picks unused uids in the sandbox range", () => {
    const uids = Array.from({ length: 20 }, () => pickSandboxUid());
    for (const uid of uids) expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(new Set(uids).size).toBeGreaterThan(15);
  });
});

describe("sweepStaleWorkDirs", () => {
  it("removes only old run directories", () => {
    const old = mkdtempSync(path.join(tmpdir(), "courses-rust-"));
    mkdirSync(path.join(old, "work"));
    const fresh = mkdtempSync(path.join(tmpdir(), "courses-rust-"));
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    utimesSync(old, hourAgo, hourAgo);
    expect(sweepStaleWorkDirs()).toBeGreaterThanOrEqual(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    rmSync(fresh, { recursive: true });
  });
});
