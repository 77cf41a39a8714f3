import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { describeDriverError } from "./cypher-errors";

describe("describeDriverError", () => {
  it("reads the position from the diagnostic record", () => {
    const e = new neo4j.Neo4jError(
      "Variable `m` not defined (line 2, column 8 (offset: 17))",
      "Neo.ClientError.Statement.SyntaxError",
      "42N62",
      "",
      {
        _position: { line: neo4j.int(2), column: neo4j.int(8), offset: neo4j.int(17) },
      } as never,
    );
    expect(describeDriverError(e)).toEqual({
      name: "SyntaxError",
      message: "Variable `m` not defined",
      code: "Neo.ClientError.Statement.SyntaxError",
      line: 2,
      column: 8,
      timedOut: false,
    });
  });

  it("reads the position from a real Neo4j message when there is no diagnostic record", () => {
    const e = new neo4j.Neo4jError(
      "Invalid input 'RETRN' (line 3, column 1 (offset: 20))\n\"RETRN 1\"\n ^",
      "Neo.ClientError.Statement.SyntaxError",
      "42001",
      "",
      undefined as never,
    );
    expect(describeDriverError(e)).toMatchObject({ line: 3, column: 1, name: "SyntaxError" });
  });

  it("recognises timeouts and unavailable servers", () => {
    expect(
      describeDriverError(
        new neo4j.Neo4jError(
          "t",
          "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
          "",
          "",
          undefined as never,
        ),
      ).timedOut,
    ).toBe(true);
    expect(
      describeDriverError(
        new neo4j.Neo4jError("x", "ServiceUnavailable", "", "", undefined as never),
      ),
    ).toMatchObject({ name: "ConnectionError" });
    expect(describeDriverError(new Error("boom"))).toEqual({
      name: "Error",
      message: "boom",
      timedOut: false,
    });
  });
});
