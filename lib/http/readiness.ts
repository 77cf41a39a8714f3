// Readiness: may this instance take traffic? Each dependency is probed with a short deadline, all
// at once, and the answer says which one failed and why in words safe to show (no URLs, no
// credentials), so an operator can act on it from the load balancer's health page.

export type ReadinessProbe = () => Promise<unknown>;
type CheckResult = "ok" | `failed: ${string}`;
export type Readiness = { ok: boolean; checks: Record<string, CheckResult> };

const MAX_REASON = 160;

/** An error as a short reason without secrets: URLs (which may carry passwords) are blanked. */
export function describeFailure(error: unknown): string {
  const raw =
    error instanceof Error ? error.message : typeof error === "string" ? error : "unknown error";
  const errorCode: unknown =
    error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  const code = typeof errorCode === "string" ? `${errorCode}: ` : "";
  const text = `${code}${raw}`
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, "[url]")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text || "unknown error";
}

class ProbeTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function withDeadline(probe: ReadinessProbe, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(ms)), ms);
  });
  return Promise.race([Promise.resolve().then(probe), deadline]).finally(() => clearTimeout(timer));
}

/** Runs every probe in parallel, each bounded by `timeoutMs`; ready only when all answered. */
export async function checkReadiness(
  probes: Record<string, ReadinessProbe>,
  timeoutMs: number,
): Promise<Readiness> {
  const names = Object.keys(probes);
  const results = await Promise.allSettled(
    names.map((name) => withDeadline(probes[name]!, timeoutMs)),
  );
  const checks: Record<string, CheckResult> = {};
  results.forEach((result, index) => {
    checks[names[index]!] =
      result.status === "fulfilled" ? "ok" : `failed: ${describeFailure(result.reason)}`;
  });
  return { ok: results.every((result) => result.status === "fulfilled"), checks };
}
