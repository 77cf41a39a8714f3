/**
 * The account forms' one request helper: JSON to one of our routes, and every failure turned
 * into one sentence (our routes answer `{ error, fieldErrors? }`). Browser-safe.
 */
type SendResult = { ok: true; response: Response } | { ok: false; message: string };

export async function sendJson(method: string, url: string, body?: unknown): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      ok: false,
      message: "Could not reach the server. Check your connection and try again.",
    };
  }
  if (response.ok) return { ok: true, response };
  let error: string | null = null;
  let fields: string[] = [];
  try {
    const parsed = (await response.json()) as { error?: unknown; fieldErrors?: unknown };
    if (typeof parsed.error === "string") error = parsed.error;
    if (parsed.fieldErrors && typeof parsed.fieldErrors === "object")
      fields = Object.values(parsed.fieldErrors as Record<string, unknown>).flatMap((list) =>
        Array.isArray(list) ? list.map(String) : [],
      );
  } catch {
    // not our JSON: the status speaks
  }
  if (fields.length > 0) return { ok: false, message: fields.join(" ") };
  if (response.status === 401) return { ok: false, message: error ?? "Sign in first." };
  return {
    ok: false,
    message: error ?? `The server could not do this just now (${response.status}); try again.`,
  };
}
