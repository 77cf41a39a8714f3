// A placeholder origin that no real request can carry: resolving against it tells a same-site
// path apart from anything a browser would take off-site.
const BASE = "http://app.invalid";

/**
 * Where to go after signing in: only paths on this site, never another origin. Prefix checks
 * are not enough — browsers drop tabs and newlines inside URLs and read "\" as "/", so
 * "/\t/evil.example" became "//evil.example". Control characters and backslashes are refused
 * outright; what remains is resolved as a URL and must stay on our origin.
 */
export function safeReturnPath(next: unknown): string {
  // Not a string: absent, or repeated in the query string (?next=a&next=b gives an array).
  if (typeof next !== "string" || !next.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(next))
    return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = url.pathname + url.search + url.hash;
  // The resolved path itself must not read as protocol-relative to whoever uses it next.
  return path.startsWith("//") ? "/" : path;
}
