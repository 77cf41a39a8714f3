import { describe, expect, it } from "vitest";
import { MANIFEST_REPLY, negotiate, readManifestChoice } from "./handshake";

const hs = (...words: number[][]): Uint8Array =>
  Uint8Array.from([0x60, 0x60, 0xb0, 0x17, ...words.flat()]);

describe("Bolt handshake", () => {
  it("answers neo4j-driver 6.3's proposal with 5.4 (plain ranges)", () => {
    const r = negotiate(hs([0, 8, 8, 5], [0, 2, 4, 4], [0, 0, 0, 3], [0, 0, 0, 0]));
    expect(r.ok).toBe(true);
    expect([...r.reply!]).toEqual([0, 0, 4, 5]);
  });

  it("answers a manifest offer (255.1) with our manifest: 5.4 down to 5.0, no capabilities", () => {
    const r = negotiate(hs([0, 0, 1, 0xff], [0, 8, 8, 5], [0, 2, 4, 4], [0, 0, 0, 3]));
    expect(r.ok && "manifest" in r).toBe(true);
    expect([...r.reply!]).toEqual([0, 0, 1, 0xff, 1, 0, 4, 4, 5, 0]);
    expect(MANIFEST_REPLY.length).toBe(10);
  });

  it("reads the client's manifest choice, with a multi-byte capability varint", () => {
    expect(readManifestChoice(Uint8Array.of(0, 0, 4))).toEqual({ status: "incomplete" });
    expect(readManifestChoice(Uint8Array.of(0, 0, 4, 5, 0, 0xaa))).toEqual({
      status: "ok",
      version: { major: 5, minor: 4 },
      consumed: 5,
    });
    expect(readManifestChoice(Uint8Array.of(0, 0, 2, 5, 0x81, 0x01))).toEqual({
      status: "ok",
      version: { major: 5, minor: 2 },
      consumed: 6,
    });
    expect(readManifestChoice(Uint8Array.of(0, 0, 4, 5, 0x81))).toEqual({ status: "incomplete" });
    expect(readManifestChoice(Uint8Array.of(0, 0, 8, 5, 0)).status).toBe("refused");
  });

  it("picks the best version inside a client's range", () => {
    const r = negotiate(hs([0, 2, 2, 5], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]));
    expect([...r.reply!]).toEqual([0, 0, 2, 5]);
    const v50 = negotiate(hs([0, 0, 0, 5], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]));
    expect(v50.ok && "version" in v50 && v50.version).toEqual({ major: 5, minor: 0 });
  });

  it("refuses clients without a common version with 00 00 00 00", () => {
    const r = negotiate(hs([0, 0, 4, 4], [0, 0, 3, 4], [0, 0, 0, 3], [0, 0, 0, 0]));
    expect(r.ok).toBe(false);
    expect([...r.reply!]).toEqual([0, 0, 0, 0]);
  });

  it("refuses HTTP and garbage without a reply", () => {
    const http = negotiate(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(http.ok).toBe(false);
    expect(http.ok ? "" : http.reason).toMatch(/HTTP/);
    expect(negotiate(new Uint8Array(20)).ok).toBe(false);
  });
});
