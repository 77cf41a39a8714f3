import { tooLongField } from "./field-limits";
import { json, readBodyWithLimit } from "../http/request-guards";

/** Every POST to /api/auth/* is JSON of a few fields; nothing legitimate comes near this. */
export const MAX_AUTH_BODY_BYTES = 16_384;

export type AuthBody =
  | { ok: true; request: Request; fields: Record<string, unknown> }
  | { ok: false; response: Response };

/**
 * Reads an auth POST once, at most MAX_AUTH_BODY_BYTES (413 beyond, whatever Content-Length
 * claims), refuses bodies that are not a JSON object (400/415) and over-long fields (400 naming
 * the field), and rebuilds the Request for better-auth from the bytes already read, so the
 * library never reads an unbounded stream and the body is parsed by us only once. `url` is the
 * address the rebuilt request carries (the route adds a query parameter for better-auth).
 */
export async function readAuthBody(request: Request, url: string = request.url): Promise<AuthBody> {
  const read = await readBodyWithLimit(request, MAX_AUTH_BODY_BYTES);
  if (!read.ok)
    return {
      ok: false,
      response: json(
        { error: `Request body is too large (the limit is ${MAX_AUTH_BODY_BYTES} bytes).` },
        413,
      ),
    };
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  const rebuilt = (body: string | undefined) =>
    new Request(url, { method: request.method, headers, body, signal: request.signal });
  if (read.text === "") return { ok: true, request: rebuilt(undefined), fields: {} };
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return {
      ok: false,
      response: json(
        { error: "Send the request body as JSON (Content-Type: application/json)." },
        415,
      ),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch {
    return { ok: false, response: json({ error: "The request body is not valid JSON." }, 400) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, response: json({ error: "The request body must be a JSON object." }, 400) };
  }
  const fields = parsed as Record<string, unknown>;
  const tooLong = tooLongField(fields);
  if (tooLong)
    return { ok: false, response: json({ error: tooLong.message, field: tooLong.field }, 400) };
  return { ok: true, request: rebuilt(read.text), fields };
}
