/** Where to go after signing in: only paths on this site, never another origin. */
export function safeReturnPath(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
