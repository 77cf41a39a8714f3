import { afterEach, describe, expect, it } from "vitest";
import { neo4jConfig, registerEmbeddedNeo4j } from "./config";

describe("neo4jConfig", () => {
  afterEach(() => registerEmbeddedNeo4j(null));

  it("reaches the embedded server the process registered, without writing the environment", () => {
    const env: Record<string, string | undefined> = {};
    expect(neo4jConfig(env).uri).toBeUndefined();
    registerEmbeddedNeo4j({ uri: "bolt://127.0.0.1:7999", user: "neo4j", password: "pw" });
    expect(neo4jConfig(env)).toEqual({
      uri: "bolt://127.0.0.1:7999",
      user: "neo4j",
      password: "pw",
      database: undefined,
    });
    expect(env).toEqual({});
  });

  it("prefers a Neo4j named by NEO4J_URI", () => {
    registerEmbeddedNeo4j({ uri: "bolt://127.0.0.1:7999", user: "neo4j", password: "pw" });
    expect(neo4jConfig({ NEO4J_URI: "neo4j+s://db.example", NEO4J_PASSWORD: "x" })).toMatchObject({
      uri: "neo4j+s://db.example",
      password: "x",
    });
  });
});
