import {
  expect,
  request as requests,
  test,
  type APIRequestContext,
  type APIResponse,
} from "@playwright/test";
import { postFrom, startServer, type TestServer } from "./limits-server";

// The limits against the production server (issue 15): they must hold in the built app, where two
// bundled copies of the limiter once let every rejection through. This spec starts a server of
// its own with low limits, so it spends none of the shared e2e server's budgets.

const LIMITS = {
  AUTH_RATE_LIMIT_PER_MINUTE: "25",
  SYNC_RATE_LIMIT_PER_MINUTE: "3",
  CYPHER_RATE_LIMIT_PER_MINUTE: "3",
  RUST_RATE_LIMIT_PER_MINUTE: "2",
};
const PASSWORD = "limits-password-123";
const OTHER_ADDRESS = "127.0.0.2";

test.describe.configure({ mode: "serial" });

let server: TestServer;
let api: APIRequestContext;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startServer(LIMITS);
  api = await requests.newContext({
    baseURL: server.url,
    extraHTTPHeaders: { origin: server.url },
  });
});

test.afterAll(async () => {
  await api?.dispose();
  await server?.stop();
});

const email = () =>
  `limits-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;

async function signUp(context: APIRequestContext, address: string): Promise<void> {
  const response = await context.post("/api/auth/sign-up/email", {
    data: { email: address, password: PASSWORD, name: "Limits" },
  });
  expect(response.status(), await response.text()).toBe(200);
}

const signIn = (address: string, password: string, headers: Record<string, string> = {}) =>
  api.post("/api/auth/sign-in/email", { data: { email: address, password }, headers });

function expectLimited(status: number, retryAfter: string | string[] | undefined): void {
  expect(status).toBe(429);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
}
const expectLimitedResponse = (response: APIResponse) =>
  expectLimited(response.status(), response.headers()["retry-after"]);

/**
 * Sends requests one after another until one is limited, at most twice the limit and one more
 * (so a fixed window that rolls over mid-burst cannot hide the limit). Returns the statuses.
 */
async function burstUntilLimited(
  send: () => Promise<APIResponse>,
  limit: number,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 2 * limit + 1; i++) {
    const response = await send();
    statuses.push(response.status());
    if (response.status() === 429) {
      expectLimitedResponse(response);
      return statuses;
    }
  }
  throw new Error(`no 429 after ${statuses.length} requests: ${statuses.join(", ")}`);
}

test("wrong passwords back off per account and address; the right one is refused meanwhile, but not from another address", async () => {
  const victim = email();
  await signUp(api, victim);
  // Three failures, each after the previous back-off has passed: 1 s, 2 s, then 4 s.
  expect((await signIn(victim, "wrong-password-1")).status()).toBe(401);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect((await signIn(victim, "wrong-password-2")).status()).toBe(401);
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  expect((await signIn(victim, "wrong-password-3")).status()).toBe(401);

  for (let i = 0; i < 5; i++) expectLimitedResponse(await signIn(victim, "wrong-password-burst"));
  const right = await signIn(victim, PASSWORD);
  expectLimitedResponse(right);
  expect(Number(right.headers()["retry-after"])).toBeGreaterThanOrEqual(2);

  // Headers a client can send do not make it another client (no TRUSTED_PROXIES here).
  expectLimitedResponse(
    await signIn(victim, PASSWORD, {
      "x-forwarded-for": "198.51.100.7",
      "x-real-ip": "198.51.100.8",
      "x-courses-client-address": "198.51.100.9",
    }),
  );

  // The learner, from their own address, still gets in.
  const elsewhere = await postFrom(
    OTHER_ADDRESS,
    `${server.url}/api/auth/sign-in/email`,
    { email: victim, password: PASSWORD },
    { origin: server.url },
  );
  expect(elsewhere.status, elsewhere.body).toBe(200);
});

test("progress sync is limited per learner", async () => {
  const learner = await requests.newContext({
    baseURL: server.url,
    extraHTTPHeaders: { origin: server.url },
  });
  try {
    await signUp(learner, email());
    const statuses = await burstUntilLimited(
      () => learner.post("/api/progress/sync", { data: { mutations: [] } }),
      Number(LIMITS.SYNC_RATE_LIMIT_PER_MINUTE),
    );
    expect(statuses).toHaveLength(Number(LIMITS.SYNC_RATE_LIMIT_PER_MINUTE) + 1);
  } finally {
    await learner.dispose();
  }
});

test("Cypher runs are limited per address", async () => {
  const body = {
    lessonKey: "limits/01-chapter/01-lesson",
    cellId: "query",
    code: "RETURN 1 AS one",
    previousCells: [],
  };
  const statuses = await burstUntilLimited(
    () => api.post("/api/cypher/run", { data: body }),
    Number(LIMITS.CYPHER_RATE_LIMIT_PER_MINUTE),
  );
  expect(statuses).toHaveLength(Number(LIMITS.CYPHER_RATE_LIMIT_PER_MINUTE) + 1);
});

test("Rust runs are limited per learner", async () => {
  const learner = await requests.newContext({
    baseURL: server.url,
    extraHTTPHeaders: { origin: server.url },
  });
  try {
    await signUp(learner, email());
    const body = { lessonKey: "limits/01-chapter/01-lesson", cellId: "main", code: "fn main() {}" };
    const statuses = await burstUntilLimited(
      () => learner.post("/api/rust/run", { data: body }),
      Number(LIMITS.RUST_RATE_LIMIT_PER_MINUTE),
    );
    expect(statuses).toHaveLength(Number(LIMITS.RUST_RATE_LIMIT_PER_MINUTE) + 1);
  } finally {
    await learner.dispose();
  }
});

test("auth bodies over 16 KB get 413, and an over-long name creates no user", async () => {
  const padded = await api.post("/api/auth/sign-in/email", {
    data: { email: email(), password: PASSWORD, padding: "x".repeat(20 * 1024) },
  });
  expect(padded.status()).toBe(413);
  expect((await padded.json()).error).toMatch(/too large/);

  const huge = email();
  const response = await api.post("/api/auth/sign-up/email", {
    data: { email: huge, password: PASSWORD, name: "x".repeat(5 * 1024 * 1024) },
  });
  expect(response.status()).toBe(413);
  const long = email();
  const capped = await api.post("/api/auth/sign-up/email", {
    data: { email: long, password: PASSWORD, name: "x".repeat(101) },
  });
  expect(capped.status()).toBe(400);
  expect((await capped.json()).field).toBe("name");
  // Neither account exists: signing in is refused as for any unknown address.
  for (const address of [huge, long]) {
    const attempt = await postFrom(
      OTHER_ADDRESS,
      `${server.url}/api/auth/sign-in/email`,
      { email: address, password: PASSWORD },
      { origin: server.url },
    );
    expect(attempt.status, attempt.body).toBe(401);
  }
});

test("one address gets a bounded number of credential attempts across all accounts", async () => {
  const statuses = await burstUntilLimited(
    () => signIn(email(), PASSWORD),
    Number(LIMITS.AUTH_RATE_LIMIT_PER_MINUTE),
  );
  expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0);
  // Another address has its own budget.
  const other = await postFrom(
    OTHER_ADDRESS,
    `${server.url}/api/auth/sign-in/email`,
    { email: email(), password: PASSWORD },
    { origin: server.url },
  );
  expect(other.status, other.body).toBe(401);
});
