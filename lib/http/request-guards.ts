import { readAuthEnv } from "@/lib/auth/env";

// Checks shared by the JSON API routes: same-origin only, and bodies of bounded size.

export type GuardFailure = { status: number; body: { error: string } };

/**
 * Refuses cross-site requests. Browsers send Origin on every POST (and Sec-Fetch-Site); a
 * request carrying neither comes from a non-browser client, where cookies are not ambient
 * credentials, so it cannot be a cross-site request forgery.
 */
export function checkSameOrigin(headers: Headers): GuardFailure | null {
  const origin = headers.get("origin");
  if (origin !== null) {
    return readAuthEnv().trustedOrigins.includes(origin)
      ? null
      : { status: 403, body: { error: `Cross-site request refused (origin ${origin}).` } };
  }
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site") return { status: 403, body: { error: "Cross-site request refused." } };
  return null;
}

/** Reads the body as text, stopping at `maxBytes` (413) whatever Content-Length claims. */
export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; text: string } | { ok: false; failure: GuardFailure }> {
  const tooLarge: GuardFailure = {
    status: 413,
    body: { error: `Request body is larger than ${maxBytes} bytes.` },
  };
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, failure: tooLarge };
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, failure: tooLarge };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    // no-transform: these answers are small; gzipping each one cost more CPU than it saved
    // (measured in the sync benchmark's server profile).
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store, no-transform",
      ...headers,
    },
  });
}
