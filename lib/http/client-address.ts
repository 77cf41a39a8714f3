// The client's address, as the one source every per-client limit keys on. Our server
// (scripts/serve.ts) computes it from the socket and, only behind TRUSTED_PROXIES, from
// X-Forwarded-For, and passes it to the app in CLIENT_ADDRESS_HEADER (overwriting anything a
// client sent under that name).

export const CLIENT_ADDRESS_HEADER = "x-courses-client-address";

/** The address our server established for this request ("unknown" outside it, e.g. `next dev`). */
export function clientAddressFromHeaders(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER)?.trim() || "unknown";
}
