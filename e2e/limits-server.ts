import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A production server of its own for tests that spend rate limits: started from the existing
 * build (NEXT_DIST_DIR is inherited) on a free port, with a throwaway embedded database, so the
 * shared e2e server's budgets stay untouched.
 */
export type TestServer = { url: string; port: number; stop(): Promise<void> };

const root = path.resolve(import.meta.dirname, "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the test server exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the test server did not answer /api/health within ${timeoutMs} ms:\n${output()}`,
  );
}

export async function startServer(env: Record<string, string>): Promise<TestServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "limits-e2e-"));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
    CYPHER_DATA_DIR: path.join(dataDir, "cypher"),
    AUTH_SECRET: "limits-e2e-secret-0123456789-0123456789",
    AUTH_SECRET_FILE: path.join(dataDir, "auth-secret"),
    LOG_LEVEL: "warn",
    ...env,
  };
  // Shared services would share counters with other servers: this one keeps its own.
  for (const name of ["DATABASE_URL", "REDIS_URL", "TRUSTED_PROXIES", "BETTER_AUTH_URL", "APP_URL"])
    if (!(name in env)) delete childEnv[name];
  // Its own process group, so stopping it also stops whatever it started (tsx's child, the Cypher engine).
  const child = spawn(
    process.execPath,
    [
      path.join(root, "node_modules/tsx/dist/cli.mjs"),
      "scripts/start.ts",
      "--no-build",
      "--port",
      String(port),
    ],
    {
      cwd: root,
      env: childEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, "SIGTERM");
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      if (!killed) process.kill(-child.pid, "SIGKILL");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, () => log, 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * A POST from another local address (127.0.0.2 is loopback too on Linux): to the server it is
 * a different client, by its socket — no forwarding header to trust.
 */
export function postFrom(
  localAddress: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        localAddress,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}
