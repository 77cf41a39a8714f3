import { getAuth } from "@/lib/auth/auth";
import { clientAddress, consumeRateLimit } from "@/lib/auth/rate-limit";
import { json } from "@/lib/auth/request-guards";
import { forgetVerifiedSessions } from "@/lib/auth/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Credential endpoints are rate limited per client address (and per e-mail for sign-in, to
// slow password guessing against one account from many addresses).
const LIMITED = /\/(sign-in|sign-up)\/email$/;

async function limitCredentials(request: Request): Promise<Response | null> {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST" || !LIMITED.test(pathname)) return null;
  const keys = [`ip:${clientAddress(request.headers)}`];
  const email = await request
    .clone()
    .json()
    .then((body: unknown) => (body && typeof body === "object" && "email" in body && typeof body.email === "string" ? body.email.toLowerCase() : null))
    .catch(() => null);
  if (email) keys.push(`email:${email}`);
  for (const key of keys) {
    const result = await consumeRateLimit("auth", key);
    if (!result.allowed) {
      return json({ error: "Too many attempts. Please wait a minute and try again." }, 429, { "retry-after": String(result.retryAfterSeconds) });
    }
  }
  return null;
}

export async function GET(request: Request): Promise<Response> {
  return getAuth().handler(request);
}

export async function POST(request: Request): Promise<Response> {
  const limited = await limitCredentials(request);
  if (limited) return limited;
  const response = await getAuth().handler(request);
  if (new URL(request.url).pathname.endsWith("/sign-out")) forgetVerifiedSessions();
  return response;
}
