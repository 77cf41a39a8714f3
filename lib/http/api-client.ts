/**
 * The browser's side of validatedRoute: POST JSON to one of our routes and turn every way it
 * can fail into one sentence a learner understands. Import-safe in the browser.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the server was not reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

export type ApiMessages = {
  /** Said for 401: what signing in would allow. */
  signIn: string;
  /** Said when the server was not reached, after the reason. */
  unreachable: string;
};

/** Seconds to wait, from Retry-After (seconds or an HTTP date); null when absent or unreadable. */
function retryAfterSeconds(response: Response, now = Date.now()): number | null {
  const value = response.headers.get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(1, Math.ceil((date - now) / 1000)) : null;
}

/** One sentence for a response that is not 2xx, from its status and `{ error, fieldErrors }`. */
async function describeFailedResponse(response: Response, messages: ApiMessages): Promise<string> {
  let body: { error?: unknown; fieldErrors?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // not our JSON (a proxy's error page): the status speaks
  }
  const error = typeof body.error === "string" ? body.error : null;
  if (response.status === 429) {
    const wait = retryAfterSeconds(response);
    return wait === null
      ? "Too many runs; wait a moment and try again."
      : `Too many runs; try again in ${wait} s.`;
  }
  if (response.status === 401) return messages.signIn;
  if (response.status === 413) return error ?? "The request is too large for the server.";
  if (response.status >= 400 && response.status < 500) {
    const fields =
      body.fieldErrors && typeof body.fieldErrors === "object"
        ? Object.entries(body.fieldErrors as Record<string, unknown>)
        : [];
    const details = fields
      .map(([field, list]) => `${field}: ${Array.isArray(list) ? list.join(", ") : String(list)}`)
      .join("; ");
    const head = error ?? `The server refused the request (${response.status}).`;
    return details ? `${head} (${details})` : head;
  }
  const wait = response.status === 503 ? retryAfterSeconds(response) : null;
  const retry = wait === null ? "try again in a moment" : `try again in ${wait} s`;
  return `${error ?? `The server could not answer (${response.status}).`} Your code is safe; ${retry}.`;
}

/**
 * POSTs JSON and returns the successful response (its body unread). Throws ApiError with a
 * readable message on any failure, and lets an AbortError through untouched.
 */
export async function postJson(
  url: string,
  body: unknown,
  signal: AbortSignal | undefined,
  messages: ApiMessages,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
      credentials: "same-origin",
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(
      `${messages.unreachable} (${error instanceof Error ? error.message : String(error)}). Your code is safe; try again.`,
      0,
    );
  }
  if (!response.ok)
    throw new ApiError(await describeFailedResponse(response, messages), response.status);
  return response;
}
