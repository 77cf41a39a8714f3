import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readAuthEnv } from "./env";
import { resolveAuthSecret } from "./secret";

describe("auth environment", () => {
  it("defaults to the local origin on PORT and trusts localhost and 127.0.0.1", () => {
    const env = readAuthEnv({ PORT: "4100" });
    expect(env.baseUrl).toBe("http://localhost:4100");
    expect(env.trustedOrigins).toEqual(
      expect.arrayContaining(["http://localhost:4100", "http://127.0.0.1:4100"]),
    );
    expect(env.isLocal).toBe(true);
  });

  it("requires AUTH_SECRET in production on a public URL, with a clear message", () => {
    const env = readAuthEnv({ NODE_ENV: "production", BETTER_AUTH_URL: "https://courses.example" });
    expect(() => resolveAuthSecret(env)).toThrow(/AUTH_SECRET is required in production/);
    expect(
      readAuthEnv({ NODE_ENV: "production", BETTER_AUTH_URL: "https://courses.example" })
        .trustedOrigins,
    ).toEqual(["https://courses.example"]);
  });

  it("rejects a short AUTH_SECRET", () => {
    expect(() => readAuthEnv({ AUTH_SECRET: "short" })).toThrow(/at least 32 characters/);
  });

  it("generates a local secret once, private to the owner, and reuses it", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "auth-secret-"));
    const env = readAuthEnv({ NODE_ENV: "production", AUTH_SECRET_FILE: path.join(dir, "secret") });
    const first = resolveAuthSecret(env);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveAuthSecret(env)).toBe(first);
    expect(readFileSync(path.join(dir, "secret"), "utf8").trim()).toBe(first);
    expect(statSync(path.join(dir, "secret")).mode & 0o077).toBe(0);
  });

  it("reads the sign-in back-off settings, with defaults, and refuses nonsense", () => {
    expect(readAuthEnv({}).authBackoffMaxSeconds).toBe(900);
    expect(readAuthEnv({}).authAccountFailuresPerHour).toBe(50);
    expect(readAuthEnv({ AUTH_BACKOFF_MAX_SECONDS: "60" }).authBackoffMaxSeconds).toBe(60);
    expect(() => readAuthEnv({ AUTH_ACCOUNT_FAILURES_PER_HOUR: "0" })).toThrow(
      /AUTH_ACCOUNT_FAILURES_PER_HOUR/,
    );
  });
});
