// Docker cannot pull images or run compose on these machines, so the deployment files are
// checked statically: compose.yaml's topology, healthchecks and environment (parsed by the app's
// own env parsers), the balancer's upstreams, and that every path the Dockerfile uses exists.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { readAuthEnv } from "@/lib/auth/env";
import { readCacheEnv } from "@/lib/cache/app-cache";
import { readDbEnv } from "@/lib/db/env";
import { parseTrustedProxies } from "@/lib/http/client-address";
import { readMetricsEnv } from "@/lib/metrics/exposition";

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z.object({ context: z.string(), target: z.string() }).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
});
const composeSchema = z.looseObject({ services: z.record(z.string(), serviceSchema) });

const compose = composeSchema.parse(parse(read("compose.yaml"), { merge: true }));
const services = compose.services;
const service = (name: string) => {
  const found = services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` with the values an operator sets. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op, arg: string) => {
    if (vars[name]) return vars[name];
    if (op === "-") return arg;
    throw new Error(`${name} is required: ${arg}`);
  });
}

const operator = {
  POSTGRES_PASSWORD: "pw",
  AUTH_SECRET: "s".repeat(44),
  METRICS_TOKEN: "m".repeat(32),
};

describe("compose.yaml", () => {
  it("has the balancer, two app instances, two Rust workers, Postgres 16 and Redis 7", () => {
    expect(Object.keys(services).sort()).toEqual(
      ["app-1", "app-2", "balancer", "postgres", "redis", "rust-worker-1", "rust-worker-2"].sort(),
    );
    expect(service("balancer").image).toMatch(/^nginx:/);
    expect(service("postgres").image).toMatch(/^postgres:16/);
    expect(service("redis").image).toMatch(/^redis:7/);
    for (const name of ["app-1", "app-2"]) expect(service(name).build?.target).toBe("app");
    for (const name of ["rust-worker-1", "rust-worker-2"])
      expect(service(name).build?.target).toBe("worker");
    // Only the balancer is published; instances are reached through it.
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name)).toEqual(["balancer"]);
  });

  it("checks readiness on /api/ready and starts each service after what it needs is healthy", () => {
    for (const name of ["app-1", "app-2", "balancer"])
      expect(service(name).healthcheck?.test.join(" ")).toContain("/api/ready");
    expect(service("postgres").healthcheck?.test).toContain("pg_isready");
    expect(service("redis").healthcheck?.test.join(" ")).toContain("ping");
    for (const name of ["app-1", "app-2"])
      expect(service(name).depends_on).toEqual({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
    expect(service("balancer").depends_on).toEqual({
      "app-1": { condition: "service_healthy" },
      "app-2": { condition: "service_healthy" },
    });
    for (const name of ["rust-worker-1", "rust-worker-2"])
      expect(service(name).depends_on).toHaveProperty("redis");
  });

  it("gives the apps an environment the app's own parsers accept, pointing at the services", () => {
    const raw = service("app-1").environment ?? {};
    const env = Object.fromEntries(
      Object.entries(raw).map(([key, value]) => [key, interpolate(value, operator)]),
    );
    expect(() => interpolate(raw.AUTH_SECRET ?? "", {})).toThrow(/AUTH_SECRET is required/);
    const auth = readAuthEnv({ ...env, NODE_ENV: "production" });
    expect(auth.secret).toBe(operator.AUTH_SECRET);
    expect(auth.redisUrl).toBe("redis://redis:6379");
    expect(auth.baseUrl).toBe("http://localhost:8080");
    const db = readDbEnv(env);
    expect(new URL(db.databaseUrl ?? "").host).toBe("postgres:5432");
    expect(readCacheEnv(env, auth.redisUrl).store).toBe("redis");
    expect(readMetricsEnv(env).token).toBe(operator.METRICS_TOKEN);
    expect(parseTrustedProxies(env.TRUSTED_PROXIES)).toEqual({ kind: "hops", count: 1 });
    // The workers take jobs from the same Redis the apps enqueue on.
    expect(service("rust-worker-1").environment?.REDIS_URL).toBe(raw.REDIS_URL);
    expect(service("app-2").environment).toEqual(raw);
  });

  it("mounts a balancer config whose upstreams are the app services", () => {
    const mount = service("balancer").volumes?.[0] ?? "";
    const [source, target] = mount.split(":");
    expect(target).toBe("/etc/nginx/nginx.conf");
    const config = read(source ?? "");
    const upstreams = [...config.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(upstreams).toEqual(["app-1:3000", "app-2:3000"]);
    expect(config).toMatch(/listen 8080;/);
    expect(service("balancer").ports).toEqual(["8080:8080"]);
    expect(config).toMatch(/proxy_buffering off;/);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gm)].map((m) => m[1]);

  it("is multi-stage, and the app stage runs as a non-root user", () => {
    expect(stages).toEqual(["deps", "build", "app", "rust", "worker"]);
    const appStage = dockerfile.slice(dockerfile.indexOf("AS app"), dockerfile.indexOf("AS rust"));
    expect(appStage).toMatch(/^USER node$/m);
    expect(appStage).toMatch(/HEALTHCHECK[\s\S]*\/api\/ready/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*bubblewrap/);
  });

  it("copies only paths that exist and starts scripts that exist", () => {
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => {
      const parts = (m[1] ?? "").split(/\s+/).filter((part) => !part.startsWith("--"));
      return parts.slice(0, -1);
    });
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) expect(existsSync(path.join(root, source)), source).toBe(true);
    const commands = [...dockerfile.matchAll(/^CMD\s+(\[.*\])$/gm)].map(
      (m) => JSON.parse(m[1] ?? "[]") as string[],
    );
    const scripts = commands.flat().filter((arg) => arg.startsWith("scripts/"));
    expect(scripts).toEqual(["scripts/start.ts", "scripts/rust-worker.ts"]);
    for (const script of scripts) expect(existsSync(path.join(root, script)), script).toBe(true);
    const packageScripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> })
      .scripts;
    expect(packageScripts.build).toBeDefined();
    expect(packageScripts["rust:worker"]).toContain("scripts/rust-worker.ts");
  });

  it("keeps secrets, builds and dependencies out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of [".git", "node_modules", ".next", ".data", ".env*"])
      expect(ignored).toContain(entry);
  });
});
