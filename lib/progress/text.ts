// Strings the sync protocol stores must be well-formed UTF-16: Postgres cannot hold an unpaired
// surrogate (jsonb refuses it; text silently turns it into U+FFFD), so the schema refuses one and
// the client never makes one by cutting a string in the middle of a pair.

/** True when every surrogate in `value` is part of a pair. */
export function isWellFormedText(value: string): boolean {
  return value.isWellFormed();
}

/**
 * At most `max` UTF-16 code units of `value`, cut at a code point boundary: a surrogate pair
 * (an emoji, say) at the limit is left out whole rather than split.
 */
export function truncateText(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = Math.max(0, Math.floor(max));
  const last = value.charCodeAt(end - 1);
  // A high surrogate as the last unit kept would lose its partner.
  const cut = last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
  return value.slice(0, cut);
}
