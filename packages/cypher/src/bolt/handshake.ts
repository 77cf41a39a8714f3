/**
 * The Bolt handshake: 60 60 B0 17 then four big-endian u32 version proposals, each
 * `[0, range, minor, major]` meaning major.minor down to major.(minor-range).
 *
 * A client that offers 255.1 speaks the manifest handshake (Bolt 5.7+ servers use it): we answer
 * `00 00 01 FF`, a varint count of version ranges, the ranges, and a varint capability mask — in
 * one write — and the client answers with its choice (u32 version + varint capabilities).
 * Otherwise we answer with the highest plain version we both speak.
 */
import type { BoltVersion } from "./session";

const MAGIC = [0x60, 0x60, 0xb0, 0x17] as const;
export const HANDSHAKE_BYTES = 20;

/** Bolt versions this server implements, best first. 5.1+ use LOGON; 5.0 authenticates in HELLO. */
const SUPPORTED_VERSIONS: readonly BoltVersion[] = [
  { major: 5, minor: 4 },
  { major: 5, minor: 3 },
  { major: 5, minor: 2 },
  { major: 5, minor: 1 },
  { major: 5, minor: 0 },
];

export type HandshakeOutcome =
  | { ok: true; version: BoltVersion; reply: Uint8Array }
  | { ok: true; manifest: true; reply: Uint8Array }
  | { ok: false; reply: Uint8Array | null; reason: string };

/** Our manifest: one range, 5.4 down to 5.0, and no optional capabilities. */
export const MANIFEST_REPLY = Uint8Array.of(0, 0, 1, 0xff, 1, 0, 4, 4, 5, 0);

export function negotiate(bytes: Uint8Array): HandshakeOutcome {
  if (bytes.length < HANDSHAKE_BYTES) return { ok: false, reply: null, reason: "short handshake" };
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const http = bytes[0] === 0x47 && bytes[1] === 0x45 && bytes[2] === 0x54; // "GET"
      return {
        ok: false,
        reply: null,
        reason: http
          ? "an HTTP request on the Bolt port"
          : "not a Bolt client (bad magic preamble)",
      };
    }
  }
  const offered: { major: number; minor: number; range: number }[] = [];
  for (let i = 0; i < 4; i++) {
    const o = 4 + i * 4;
    offered.push({ range: bytes[o + 1]!, minor: bytes[o + 2]!, major: bytes[o + 3]! });
  }
  if (offered.some((p) => p.major === 0xff && p.minor === 1))
    return { ok: true, manifest: true, reply: MANIFEST_REPLY };
  for (const v of SUPPORTED_VERSIONS) {
    const accepted = offered.some(
      (p) => p.major === v.major && v.minor <= p.minor && v.minor >= p.minor - p.range,
    );
    if (accepted) return { ok: true, version: v, reply: Uint8Array.of(0, 0, v.minor, v.major) };
  }
  return {
    ok: false,
    reply: Uint8Array.of(0, 0, 0, 0),
    reason: "no common Bolt version (this server speaks 5.0–5.4)",
  };
}

export type ManifestChoice =
  | { status: "incomplete" }
  | { status: "ok"; version: BoltVersion; consumed: number }
  | { status: "refused"; reason: string };

/** The client's answer to our manifest: u32 [0, 0, minor, major] then a varint capability mask. */
export function readManifestChoice(bytes: Uint8Array): ManifestChoice {
  if (bytes.length < 5) return { status: "incomplete" };
  let i = 4;
  for (let n = 0; ; n++) {
    if (i >= bytes.length) return { status: "incomplete" };
    if (n >= 5) return { status: "refused", reason: "capability mask too long" };
    if ((bytes[i++]! & 0x80) === 0) break;
  }
  const version = { major: bytes[3]!, minor: bytes[2]! };
  if (!SUPPORTED_VERSIONS.some((v) => v.major === version.major && v.minor === version.minor))
    return {
      status: "refused",
      reason: `the client chose Bolt ${version.major}.${version.minor}, which this server did not offer`,
    };
  return { status: "ok", version, consumed: i };
}
