/**
 * Test helper: an in-process Bolt server and a neo4j-driver (useBigInt) connected to it, started
 * before the file's tests and closed after them. Only for *.test.ts files.
 */
import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll } from "vitest";
import { startBoltServer, type BoltServer } from "./server";

export interface TestBolt {
  readonly server: BoltServer;
  readonly driver: Driver;
}

export function setupTestBoltServer(): TestBolt {
  let server: BoltServer | undefined;
  let driver: Driver | undefined;
  beforeAll(async () => {
    server = await startBoltServer({ port: 0, user: "neo4j", password: "pw" });
    driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic("neo4j", "pw"), {
      useBigInt: true,
    });
  });
  afterAll(async () => {
    await driver?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error("the test Bolt server is not started yet (use it inside tests)");
      return server;
    },
    get driver() {
      if (!driver) throw new Error("the test Bolt server is not started yet (use it inside tests)");
      return driver;
    },
  };
}
