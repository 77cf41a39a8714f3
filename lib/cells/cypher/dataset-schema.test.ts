import { describe, expect, it } from "vitest";
import { cypherSchemaFor, graphSchemaOf, spelledFunctionNames } from "./dataset-schema";

describe("dataset schema for completion", () => {
  it("reads labels, relationship types and property keys from a dataset's graph", () => {
    const schema = graphSchemaOf(
      "CREATE (a:Person {name: 'Ada'})-[:KNOWS {since: 1843}]->(b:Person:Admin {name: 'Charles', born: 1791});\nCREATE (:Movie {title: 'X'});",
    );
    expect(schema).toEqual({
      labels: ["Admin", "Movie", "Person"],
      relationshipTypes: ["KNOWS"],
      propertyKeys: ["born", "name", "since", "title"],
    });
  });

  it("lists the engine's functions in their documented spelling", () => {
    const names = spelledFunctionNames();
    expect(names).toEqual(
      expect.arrayContaining(["toLower", "count", "collect", "elementId", "date"]),
    );
    expect(names).not.toContain("tolower");
  });

  it("gives the movies lesson its graph: Person, ACTED_IN, name", async () => {
    const schema = await cypherSchemaFor(["movies"]);
    expect(schema.labels).toEqual(expect.arrayContaining(["Movie", "Person"]));
    expect(schema.relationshipTypes).toEqual(expect.arrayContaining(["ACTED_IN", "DIRECTED"]));
    expect(schema.propertyKeys).toEqual(expect.arrayContaining(["name", "born", "title", "roles"]));
  });
});
