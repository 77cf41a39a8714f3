import { resetAuth } from "@/lib/auth/auth";
import { resetRateLimiters } from "@/lib/auth/rate-limit";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing";
import { installRouteTestLessons } from "./lessons";

/** Route-level tests: a fixed secret, generous limits, fresh auth and a schema of their own. */
export async function setUpRouteTests(syncRatePerMinute = 1000): Promise<TestDatabase> {
  process.env.AUTH_SECRET = "test-secret-0123456789-0123456789-abcdef";
  process.env.AUTH_RATE_LIMIT_PER_MINUTE = "1000";
  process.env.SYNC_RATE_LIMIT_PER_MINUTE = String(syncRatePerMinute);
  resetAuth();
  resetRateLimiters();
  installRouteTestLessons();
  return createTestDatabase();
}
