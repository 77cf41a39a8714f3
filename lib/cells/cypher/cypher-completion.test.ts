import { describe, expect, it } from "vitest";
import { cypherCompletions, type CypherSchema } from "./cypher-completion";

const schema: CypherSchema = {
  labels: ["Movie", "Person", "Film Noir"],
  relationshipTypes: ["ACTED_IN", "DIRECTED", "FOLLOWS"],
  propertyKeys: ["born", "name", "released", "title"],
  functions: ["collect", "count", "toLower", "toUpper", "type"],
};
const labels = (text: string) => cypherCompletions(text, schema).items.map((i) => i.label);

describe("cypherCompletions", () => {
  it("offers labels after a colon in a node pattern, for the word typed so far", () => {
    const result = cypherCompletions("MATCH (p:Pe", schema);
    expect(result).toEqual({
      replace: 2,
      items: [{ label: "Person", kind: "label", insertText: "Person", detail: "label" }],
    });
    expect(labels("MATCH (p:")).toEqual(["Film Noir", "Movie", "Person"]);
    expect(cypherCompletions("MATCH (:F", schema).items[0]?.insertText).toBe("`Film Noir`");
  });

  it("offers relationship types in a relationship pattern, also after |", () => {
    expect(labels("MATCH (p)-[r:A")).toEqual(["ACTED_IN"]);
    expect(labels("MATCH (p)-[:ACTED_IN|D")).toEqual(["DIRECTED"]);
  });

  it("offers property keys after a dot and as keys of a property map", () => {
    expect(labels("MATCH (p) RETURN p.n")).toEqual(["name"]);
    expect(labels("MATCH (p {name: 'Keanu', b")).toEqual(["born"]);
    expect(labels("RETURN 1.")).toEqual([]);
  });

  it("offers functions and keywords elsewhere, and nothing for an empty word", () => {
    expect(labels("MATCH (p) RETURN toL")).toEqual(["toLower"]);
    expect(labels("MATCH (p) RET")).toEqual(["RETURN"]);
    expect(labels("MATCH (p) RETURN co")).toEqual([
      "collect",
      "count",
      "CONSTRAINT",
      "CONTAINS",
      "COUNT",
    ]);
    expect(labels("MATCH (p) ")).toEqual([]);
  });

  it("does not take a colon inside a string or a map value for a label", () => {
    expect(labels("MATCH (p {name: ")).toEqual([]);
    expect(labels("RETURN 'a:")).toEqual([]);
  });
});
