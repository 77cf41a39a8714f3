// The `route` label of a request's latency: the name a validatedRoute gave itself (it sets it on
// the request context), else one of a fixed set of names chosen from the path here. Raw paths
// would make a series per lesson, per learner id and per static file.

const EXACT: Record<string, string> = {
  "/": "page:catalog",
  "/sign-in": "page:sign-in",
  "/sign-up": "page:sign-up",
  "/api/health": "health",
  "/api/ready": "ready",
  "/api/metrics": "metrics",
  "/instructor": "page:instructor",
  "/instructor/analytics": "page:instructor-analytics",
  "/instructor/analytics/export": "instructor/analytics-export",
  "/instructor/preview-version": "instructor/preview-version",
};

const PREFIXES: [prefix: string, label: string][] = [
  ["/_next/static/", "next:static"],
  ["/_next/", "next:internal"],
  ["/api/auth/", "auth"],
  ["/api/", "api:other"],
  ["/learn/", "page:lesson"],
  ["/instructor/learners/", "page:instructor-learner"],
  ["/instructor/lessons/", "page:instructor-lesson"],
  ["/instructor/", "page:instructor-other"],
  ["/vendor/", "vendor"],
];

/** A label for a request path (without its query string); "other" for anything unlisted. */
export function routeLabelForPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const exact = EXACT[trimmed];
  if (exact) return exact;
  for (const [prefix, label] of PREFIXES) if (trimmed.startsWith(prefix)) return label;
  // Files from public/ (tfjs wasm binaries, icons) have an extension; pages do not.
  return /\.[A-Za-z0-9]{1,8}$/.test(trimmed) ? "public-file" : "other";
}
