import { BlockList, isIP } from "node:net";

// The client's address, as the one source every per-client limit keys on. Our server
// (lib/http/server.ts) computes it with resolveClientAddress from the socket and, only behind
// TRUSTED_PROXIES, from X-Forwarded-For, and passes it to the app in CLIENT_ADDRESS_HEADER
// (overwriting anything a client sent under that name).

export const CLIENT_ADDRESS_HEADER = "x-courses-client-address";

/** The address our server established for this request ("unknown" outside it, e.g. `next dev`). */
export function clientAddressFromHeaders(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER)?.trim() || "unknown";
}

/**
 * Which hops in front of us may be believed about X-Forwarded-For:
 * - none: no proxy; the socket address is the client.
 * - hops: exactly that many proxies in a row (the socket is the nearest).
 * - list: any hop whose address is in these CIDRs/IPs is a proxy, however many there are.
 */
export type TrustedProxies =
  | { kind: "none" }
  | { kind: "hops"; count: number }
  | { kind: "list"; list: BlockList; source: string };

export class TrustedProxiesError extends Error {
  constructor(message: string) {
    super(`TRUSTED_PROXIES: ${message}`);
    this.name = "TrustedProxiesError";
  }
}

const MAX_HOPS = 32;

/** Parses TRUSTED_PROXIES: unset/empty/"0"/"none" → none; "2" → hops; "10.0.0.0/8, ::1" → list. Throws on nonsense so a typo fails at start, not silently. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const text = value?.trim() ?? "";
  if (text === "" || text === "0" || text.toLowerCase() === "none") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count > MAX_HOPS)
      throw new TrustedProxiesError(
        `${count} proxy hops is more than any real deployment (max ${MAX_HOPS}).`,
      );
    return { kind: "hops", count };
  }
  const list = new BlockList();
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [addressPart, prefixPart, extra] = entry.split("/");
    const address = normalizeAddress(addressPart ?? "");
    if (!address || extra !== undefined)
      throw new TrustedProxiesError(
        `"${entry}" is neither an IP address nor a CIDR (e.g. 10.0.0.0/8, 2001:db8::/32).`,
      );
    const family = isIP(address) === 4 ? "ipv4" : "ipv6";
    // A mapped prefix (::ffff:a.b.c.d/120) covers IPv4 addresses, which are matched as IPv4.
    const mappedBits = family === "ipv4" && isIP((addressPart ?? "").trim()) === 6 ? 96 : 0;
    if (prefixPart === undefined) {
      list.addAddress(address, family);
      continue;
    }
    const prefix = /^\d{1,3}$/.test(prefixPart) ? Number(prefixPart) - mappedBits : NaN;
    if (!(prefix >= 0 && prefix <= (family === "ipv4" ? 32 : 128)))
      throw new TrustedProxiesError(`"${entry}" has an invalid prefix length.`);
    list.addSubnet(address, prefix, family);
  }
  return { kind: "list", list, source: text };
}

/**
 * One canonical spelling per address, or null when the text is not an IP address: IPv4-mapped
 * IPv6 (`::ffff:1.2.3.4`) becomes IPv4, IPv6 is lower-cased and compressed, a zone id is dropped,
 * and a port some proxies append (`1.2.3.4:5678`, `[2001:db8::1]:443`) is removed.
 */
export function normalizeAddress(text: string): string | null {
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  address = address.replace(/%[\w.-]+$/, "");
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

export type ClientAddressInput = {
  /** The TCP peer (req.socket.remoteAddress); undefined once the socket is gone. */
  socketAddress: string | undefined;
  /** Every X-Forwarded-For value, in order (Node joins repeated headers with ", "). */
  forwardedFor: string | string[] | undefined;
  trusted: TrustedProxies;
};

/**
 * The client's address. Only entries appended by hops we trust are believed, read from the
 * right (nearest) end: the left end is whatever the client chose to send. When a trusted hop
 * hands us an entry that is not an address, nothing beyond it can be verified, so the last
 * trusted hop itself is the answer (stricter limits rather than an attacker-chosen key).
 */
export function resolveClientAddress({
  socketAddress,
  forwardedFor,
  trusted,
}: ClientAddressInput): string {
  const socket = normalizeAddress(socketAddress ?? "") ?? "unknown";
  if (trusted.kind === "none" || socket === "unknown") return socket;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = header.trim() === "" ? [] : header.split(",");
  let client = socket;
  if (trusted.kind === "hops") {
    // The socket is trusted hop 1; every further trusted hop vouches for one more entry.
    for (let vouched = 1; vouched <= trusted.count; vouched++) {
      const entry = hops.pop();
      if (entry === undefined) return client;
      const address = normalizeAddress(entry);
      if (!address) return client;
      client = address;
    }
    return client;
  }
  while (isTrusted(trusted.list, client)) {
    const entry = hops.pop();
    if (entry === undefined) return client;
    const address = normalizeAddress(entry);
    if (!address) return client;
    client = address;
  }
  return client;
}
