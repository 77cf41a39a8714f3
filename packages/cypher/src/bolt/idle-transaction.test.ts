import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBoltServer, type BoltServer } from "./server";

let server: BoltServer;
let driver: Driver;

beforeAll(async () => {
  // one engine worker: a transaction left open would otherwise hold it for everyone
  server = await startBoltServer({
    port: 0,
    user: "neo4j",
    password: "pw",
    maxIdleTxMs: 400,
    engine: { minWorkers: 1, maxWorkers: 1 },
  });
  driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic("neo4j", "pw"), {
    useBigInt: true,
  });
}, 60_000);
afterAll(async () => {
  await driver.close();
  await server.close();
});

describe("an explicit transaction left idle", () => {
  it("is rolled back, frees its worker for others, and says so at the client's next message", async () => {
    const idle = driver.session();
    const tx = await idle.beginTransaction();
    await tx.run("CREATE (:Abandoned)");
    // the only worker is held by that transaction: another client's query waits for it
    const started = Date.now();
    const other = await driver.executeQuery("MATCH (n:Abandoned) RETURN count(n) AS c");
    expect(other.records[0]!.get("c")).toBe(0n);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(3000);

    const next = await tx.run("RETURN 1").then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(next?.code).toBe("Neo.ClientError.Transaction.TransactionTimedOut");
    expect(next?.message).toMatch(/rolled back after 0\.4 s without a message/);
    await idle.close();
    const after = await driver.executeQuery("MATCH (n:Abandoned) RETURN count(n) AS c");
    expect(after.records[0]!.get("c")).toBe(0n);
  });

  it("is not cut short while the client keeps sending statements", async () => {
    const session = driver.session();
    const tx = await session.beginTransaction();
    for (let i = 0; i < 6; i++) {
      await tx.run("CREATE (:Busy {i: $i})", { i });
      await new Promise((resolve) => setTimeout(resolve, 150)); // 0.9 s in all, under 0.4 s each
    }
    await tx.commit();
    await session.close();
    const count = await driver.executeQuery("MATCH (n:Busy) RETURN count(n) AS c");
    expect(count.records[0]!.get("c")).toBe(6n);
  });
});
