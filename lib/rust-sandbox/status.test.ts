import { afterEach, describe, expect, it } from "vitest";
import { runRustProject } from "./runner";
import { rustRunnerStatus } from "./status";

const previous = process.env.RUST_RUNNER;
afterEach(() => {
  if (previous === undefined) delete process.env.RUST_RUNNER;
  else process.env.RUST_RUNNER = previous;
});

describe("rustRunnerStatus", () => {
  it("is off on purpose with RUST_RUNNER=off, and the runner then refuses without building", async () => {
    process.env.RUST_RUNNER = "off";
    expect(rustRunnerStatus()).toEqual({
      available: false,
      reason: "Running Rust is turned off on this server (RUST_RUNNER=off).",
    });
    const result = await runRustProject([
      { path: "Cargo.toml", content: `[package]\nname = "x"\nversion = "0.1.0"\n` },
      { path: "src/main.rs", content: "fn main() {}" },
    ]);
    expect(result).toMatchObject({
      status: "unavailable",
      compileMs: 0,
      message: expect.stringContaining("RUST_RUNNER=off"),
    });
  });

  it("otherwise answers with a reason whenever it is unavailable", () => {
    delete process.env.RUST_RUNNER;
    const status = rustRunnerStatus();
    if (status.available) expect(status.reason).toBeUndefined();
    else expect(status.reason).toMatch(/\w/);
  });
});
