import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CypherDatabase } from "../database";
import { adminCommand } from "./admin-commands";
import { startBoltServer, type BoltServer } from "./server";

const ctx = { user: "neo4j", version: "5.26.0", address: "localhost:7687" };

describe("adminCommand", () => {
  it("leaves ordinary Cypher to the engine", () => {
    expect(adminCommand("MATCH (n) RETURN n", ctx)).toBeNull();
    expect(adminCommand("CALL test.proc()", ctx)).toBeNull();
  });
  it("answers SHOW DATABASES forms with YIELD projection", () => {
    const all = adminCommand("SHOW DATABASES", ctx);
    expect(all?.kind === "result" && all.result.rows.map((r) => r[0])).toEqual(["neo4j", "system"]);
    const one = adminCommand("show database neo4j yield name, currentStatus;", ctx);
    expect(one?.kind === "result" && one.result).toMatchObject({
      columns: ["name", "currentStatus"],
      rows: [["neo4j", "online"]],
    });
    const home = adminCommand("SHOW HOME DATABASE", ctx);
    expect(home?.kind === "result" && home.result.rows.length).toBe(1);
  });
});

describe("tool statements through the server", () => {
  let server: BoltServer;
  let driver: Driver;
  beforeAll(async () => {
    server = await startBoltServer({
      port: 0,
      user: "neo4j",
      password: "pw",
      database: new CypherDatabase(),
    });
    driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic("neo4j", "pw"));
    await driver.executeQuery(
      "CREATE (:Person {name: 'A'})-[:KNOWS {since: 1}]->(:Movie {title: 'B'})",
    );
  });
  afterAll(async () => {
    await driver.close();
    await server.close();
  });

  it("lists labels, relationship types and property keys from the graph", async () => {
    const labels = await driver.executeQuery("CALL db.labels()");
    expect(labels.records.map((r) => r.get("label"))).toEqual(["Movie", "Person"]);
    const types = await driver.executeQuery("CALL db.relationshipTypes() YIELD relationshipType");
    expect(types.records.map((r) => r.get("relationshipType"))).toEqual(["KNOWS"]);
    const keys = await driver.executeQuery("CALL db.propertyKeys()");
    expect(keys.records.map((r) => r.get("propertyKey")).sort()).toEqual([
      "name",
      "since",
      "title",
    ]);
  });

  it("reports its version and databases like Neo4j", async () => {
    const c = await driver.executeQuery(
      "CALL dbms.components() YIELD name, versions, edition UNWIND versions AS version RETURN name, version, edition",
    );
    expect(c.records[0]!.toObject()).toEqual({
      name: "Neo4j Kernel",
      version: "5.26.0",
      edition: "community",
    });
    const dbs = await driver.executeQuery(
      "SHOW DATABASES YIELD name, default",
      {},
      { database: "system" },
    );
    expect(dbs.records.map((r) => r.toObject())).toEqual([
      { name: "neo4j", default: true },
      { name: "system", default: false },
    ]);
  });
});
