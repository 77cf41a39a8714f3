import { describe, expect, it } from "vitest";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddressFromHeaders,
  normalizeAddress,
  parseTrustedProxies,
  resolveClientAddress,
  TrustedProxiesError,
} from "./client-address";

const resolve = (
  trustedProxies: string | undefined,
  socketAddress: string | undefined,
  forwardedFor?: string | string[],
) =>
  resolveClientAddress({
    socketAddress,
    forwardedFor,
    trusted: parseTrustedProxies(trustedProxies),
  });

describe("normalizeAddress", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:cb00:7107", "203.0.113.7"],
    ["2001:0DB8:0000::0001", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["203.0.113.7:51234", "203.0.113.7"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  it.each([
    "",
    "unknown",
    "1.2.3",
    "1.2.3.04",
    "256.1.1.1",
    "1.2.3.4.5",
    "evil.example",
    "2001:db8::1::2",
    "<script>",
    "1.2.3.4/8",
  ])("rejects %j", (input) => {
    expect(normalizeAddress(input)).toBeNull();
  });
});

describe("parseTrustedProxies", () => {
  it.each([undefined, "", "  ", "0", "none", "NONE"])("%j trusts nobody", (value) => {
    expect(parseTrustedProxies(value)).toEqual({ kind: "none" });
  });

  it("reads a hop count", () => {
    expect(parseTrustedProxies("2")).toEqual({ kind: "hops", count: 2 });
  });

  it.each([
    "10.0.0.0/33",
    "2001:db8::/129",
    "10.0.0.0/x",
    "proxy.internal",
    "10.0.0.0/8/1",
    "1000",
    "-1",
    "1.5",
  ])("refuses %j with a message naming the variable", (value) => {
    expect(() => parseTrustedProxies(value)).toThrow(TrustedProxiesError);
    expect(() => parseTrustedProxies(value)).toThrow(/TRUSTED_PROXIES/);
  });

  it("accepts a mixed list of IPv4 and IPv6 addresses and CIDRs", () => {
    const proxies = "10.0.0.0/8, 192.0.2.1,2001:db8::/32 , ::ffff:198.51.100.0/120";
    for (const proxy of [
      "10.200.0.1",
      "192.0.2.1",
      "2001:db8:1::9",
      "198.51.100.77",
      "::ffff:198.51.100.77",
    ]) {
      expect(resolve(proxies, proxy, "203.0.113.7")).toBe("203.0.113.7");
    }
    for (const stranger of ["11.0.0.1", "192.0.2.2", "2001:db9::1", "198.51.101.1"]) {
      expect(resolve(proxies, stranger, "203.0.113.7")).toBe(stranger);
    }
  });
});

describe("resolveClientAddress without TRUSTED_PROXIES", () => {
  it("uses the socket and ignores any X-Forwarded-For", () => {
    expect(resolve(undefined, "198.51.100.9", "1.2.3.4")).toBe("198.51.100.9");
    expect(resolve(undefined, "::ffff:198.51.100.9", "1.2.3.4, 5.6.7.8")).toBe("198.51.100.9");
  });

  it("answers unknown when the socket is already gone", () => {
    expect(resolve(undefined, undefined, "1.2.3.4")).toBe("unknown");
    expect(resolve("1", undefined, "1.2.3.4")).toBe("unknown");
  });
});

describe("resolveClientAddress with a hop count", () => {
  it("one proxy: the right-most entry, never the spoofed leftmost ones", () => {
    expect(resolve("1", "10.0.0.2", "6.6.6.6, 7.7.7.7, 203.0.113.7")).toBe("203.0.113.7");
  });

  it("two proxies: skips the entry the second proxy appended", () => {
    expect(resolve("2", "10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2")).toBe("203.0.113.7");
  });

  it("a new spoofed value per request does not change the key", () => {
    const keys = new Set(
      ["a", "1.1.1.1", "2.2.2.2, 3.3.3.3", "::1"].map((spoof) =>
        resolve("1", "10.0.0.2", `${spoof}, 203.0.113.7`),
      ),
    );
    expect([...keys]).toEqual(["203.0.113.7"]);
  });

  it("joins repeated X-Forwarded-For headers in order", () => {
    expect(resolve("2", "10.0.0.3", ["6.6.6.6", "203.0.113.7, 10.0.0.2"])).toBe("203.0.113.7");
  });

  it("falls back to the furthest known hop when the chain is shorter than configured", () => {
    expect(resolve("3", "10.0.0.3", "203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("1", "10.0.0.3", undefined)).toBe("10.0.0.3");
    expect(resolve("1", "10.0.0.3", "  ")).toBe("10.0.0.3");
  });

  it("stops at a malformed entry and keys on the last trusted hop", () => {
    expect(resolve("1", "10.0.0.2", "203.0.113.7, unknown")).toBe("10.0.0.2");
    expect(resolve("2", "10.0.0.3", "203.0.113.7, garbage, 10.0.0.2")).toBe("10.0.0.2");
    expect(resolve("1", "10.0.0.2", "203.0.113.7,")).toBe("10.0.0.2");
  });

  it("normalises what it returns", () => {
    expect(resolve("1", "10.0.0.2", "[2001:DB8::7]:443")).toBe("2001:db8::7");
  });
});

describe("resolveClientAddress with a list of proxies", () => {
  const proxies = "10.0.0.0/8, 2001:db8:ffff::/48, 192.0.2.1";

  it("walks left past trusted hops to the first untrusted one", () => {
    expect(resolve(proxies, "10.0.0.3", "6.6.6.6, 203.0.113.7, 10.9.9.9")).toBe("203.0.113.7");
    expect(resolve(proxies, "2001:db8:ffff::1", "203.0.113.7, 192.0.2.1")).toBe("203.0.113.7");
  });

  it("a client talking to us directly is the client, whatever it claims", () => {
    expect(resolve(proxies, "203.0.113.7", "10.0.0.1")).toBe("203.0.113.7");
  });

  it("never picks a spoofed leftmost entry that looks like a proxy", () => {
    // The client sends "10.1.1.1" hoping to be walked past; the proxy appends its real address.
    expect(resolve(proxies, "10.0.0.3", "10.1.1.1, 203.0.113.7")).toBe("203.0.113.7");
  });

  it("matches IPv4-mapped socket addresses against IPv4 rules", () => {
    expect(resolve(proxies, "::ffff:10.0.0.3", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("stops at a malformed entry and keys on the last trusted hop", () => {
    expect(resolve(proxies, "10.0.0.3", "203.0.113.7, not-an-ip, 10.0.0.2")).toBe("10.0.0.2");
  });

  it("when every hop is a proxy, the furthest one is the answer", () => {
    expect(resolve(proxies, "10.0.0.3", "10.0.0.2")).toBe("10.0.0.2");
  });
});

describe("clientAddressFromHeaders", () => {
  it("reads the header our server sets, or unknown", () => {
    expect(
      clientAddressFromHeaders(new Headers({ [CLIENT_ADDRESS_HEADER]: " 203.0.113.7 " })),
    ).toBe("203.0.113.7");
    expect(clientAddressFromHeaders(new Headers())).toBe("unknown");
  });
});
