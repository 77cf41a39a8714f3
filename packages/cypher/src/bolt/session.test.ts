import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CypherDatabase } from "../database";
import { meta, type Request } from "./messages";
import type { PackStructure } from "./packstream";
import { AuthGuard } from "./auth-guard";
import { BoltSession, handleNow, type BoltVersion } from "./session";

const SUCCESS = 0x70;
const RECORD = 0x71;
const IGNORED = 0x7e;
const FAILURE = 0x7f;

function session(version: BoltVersion = { major: 5, minor: 4 }, db = new CypherDatabase()) {
  const s = new BoltSession({
    database: () => db,
    user: "neo4j",
    password: "pw",
    version,
    connectionId: "c1",
    advertisedAddress: "localhost:7687",
    maxTxTimeoutMs: 1000,
  });
  const send = (req: Request) => handleNow(s, req);
  const sigs = (r: { responses: PackStructure[] }) => r.responses.map((m) => m.signature);
  return { s, send, sigs, db };
}
const hello: Request = { type: "HELLO", extra: meta({ user_agent: "test" }) };
const logon = (password = "pw"): Request => ({
  type: "LOGON",
  auth: meta({ scheme: "basic", principal: "neo4j", credentials: password }),
});
const run = (query: string, extra = meta({})): Request => ({
  type: "RUN",
  query,
  params: new Map(),
  extra,
});
const pull = (n = -1n): Request => ({ type: "PULL", n, qid: -1n });

describe("BoltSession state machine", () => {
  it("authenticates with HELLO + LOGON (5.1+) and refuses queries before", () => {
    const { send, sigs, s } = session();
    expect(sigs(send(hello))).toEqual([SUCCESS]);
    expect(s.state).toBe("AUTHENTICATION");
    const early = send(run("RETURN 1"));
    expect(early.close).toBe(true);
    expect(sigs(early)).toEqual([FAILURE]);
  });

  it("authenticates in HELLO for Bolt 5.0", () => {
    const { send, s } = session({ major: 5, minor: 0 });
    send({
      type: "HELLO",
      extra: meta({ scheme: "basic", principal: "neo4j", credentials: "pw" }),
    });
    expect(s.state).toBe("READY");
    const bad = session({ major: 5, minor: 0 });
    const r = bad.send({
      type: "HELLO",
      extra: meta({ scheme: "basic", principal: "neo4j", credentials: "no" }),
    });
    expect(r.close).toBe(true);
    expect(r.responses[0]!.fields[0]).toEqual(
      meta({
        code: "Neo.ClientError.Security.Unauthorized",
        message: expect.any(String) as unknown as string,
      }),
    );
  });

  it("refuses other schemes and wrong credentials, and closes", () => {
    for (const auth of [
      meta({ scheme: "none" }),
      meta({ scheme: "basic", principal: "neo4j", credentials: "nope" }),
      meta({ scheme: "basic", principal: "other", credentials: "pw" }),
    ]) {
      const { send, sigs } = session();
      send(hello);
      const r = send({ type: "LOGON", auth });
      expect(sigs(r)).toEqual([FAILURE]);
      expect(r.close).toBe(true);
    }
  });

  it("locks a user out for a while after three wrong passwords", () => {
    let now = 0;
    const guard = new AuthGuard({ now: () => now });
    const db = new CypherDatabase();
    const attempt = (password: string) => {
      const s = new BoltSession({
        database: () => db,
        user: "neo4j",
        password: "pw",
        version: { major: 5, minor: 4 },
        connectionId: "c",
        advertisedAddress: "x:1",
        maxTxTimeoutMs: 1000,
        authGuard: guard,
      });
      handleNow(s, hello);
      const r = handleNow(s, logon(password));
      return r.responses[0]!.signature === SUCCESS
        ? "ok"
        : ((r.responses[0]!.fields[0] as Map<string, unknown>).get("code") as string);
    };
    expect(attempt("a")).toBe("Neo.ClientError.Security.Unauthorized");
    expect(attempt("b")).toBe("Neo.ClientError.Security.Unauthorized");
    expect(attempt("c")).toBe("Neo.ClientError.Security.Unauthorized");
    expect(attempt("pw")).toBe("Neo.ClientError.Security.AuthenticationRateLimit");
    now += 6_000;
    expect(attempt("pw")).toBe("ok");
    expect(attempt("d")).toBe("Neo.ClientError.Security.Unauthorized");
  });

  it("streams in batches of n with has_more, then the summary", () => {
    const { send, sigs } = session();
    send(hello);
    send(logon());
    expect(sigs(send(run("UNWIND range(1, 5) AS x RETURN x")))).toEqual([SUCCESS]);
    const first = send(pull(2n));
    expect(sigs(first)).toEqual([RECORD, RECORD, SUCCESS]);
    expect(first.responses[2]!.fields[0]).toEqual(meta({ has_more: true }));
    const rest = send(pull(10n));
    expect(sigs(rest)).toEqual([RECORD, RECORD, RECORD, SUCCESS]);
    const summary = rest.responses[3]!.fields[0] as Map<string, unknown>;
    expect(summary.get("type")).toBe("r");
    expect(typeof summary.get("bookmark")).toBe("string");
  });

  it("answers IGNORED after a FAILURE until RESET", () => {
    const { send, sigs, s } = session();
    send(hello);
    send(logon());
    expect(sigs(send(run("RETURN nope")))).toEqual([FAILURE]);
    expect(sigs(send(pull()))).toEqual([IGNORED]);
    expect(sigs(send(run("RETURN 1")))).toEqual([IGNORED]);
    expect(sigs(send({ type: "RESET" }))).toEqual([SUCCESS]);
    expect(s.state).toBe("READY");
    expect(sigs(send(run("RETURN 1")))).toEqual([SUCCESS]);
  });

  it("keeps explicit transactions private until COMMIT and drops them on RESET", () => {
    const { send, db } = session();
    send(hello);
    send(logon());
    send({ type: "BEGIN", extra: meta({}) });
    send(run("CREATE (:X)"));
    send(pull());
    expect(db.run("MATCH (n:X) RETURN count(n)").rows).toEqual([[0n]]);
    send({ type: "RESET" });
    expect(db.run("MATCH (n:X) RETURN count(n)").rows).toEqual([[0n]]);
    send({ type: "BEGIN", extra: meta({}) });
    send(run("CREATE (:X)"));
    send(pull());
    send({ type: "COMMIT" });
    expect(db.run("MATCH (n:X) RETURN count(n)").rows).toEqual([[1n]]);
  });

  it("applies tx_timeout, capped by the server's maximum", () => {
    const { send, sigs } = session();
    send(hello);
    send(logon());
    const r = send(
      run(
        "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a WHERE a < 0 RETURN count(*)",
        meta({ tx_timeout: 50n }),
      ),
    );
    expect(sigs(r)).toEqual([FAILURE]);
    expect((r.responses[0]!.fields[0] as Map<string, unknown>).get("code")).toBe(
      "Neo.ClientError.Transaction.TransactionTimedOut",
    );
  });

  it("supports LOGOFF and a new LOGON, and GOODBYE closes", () => {
    const { send, s } = session();
    send(hello);
    send(logon());
    send({ type: "LOGOFF" });
    expect(s.state).toBe("AUTHENTICATION");
    send(logon());
    expect(s.state).toBe("READY");
    expect(send({ type: "GOODBYE" })).toEqual({ responses: [], close: true });
  });

  it("routes to itself", () => {
    const { send } = session();
    send(hello);
    send(logon());
    const r = send({
      type: "ROUTE",
      routing: meta({ address: "example:7687" }),
      bookmarks: [],
      extra: meta({ db: "neo4j" }),
    });
    const rt = (r.responses[0]!.fields[0] as Map<string, Map<string, unknown>>).get("rt")!;
    expect(rt.get("servers")).toEqual([
      meta({ addresses: ["example:7687"], role: "ROUTE" }),
      meta({ addresses: ["example:7687"], role: "READ" }),
      meta({ addresses: ["example:7687"], role: "WRITE" }),
    ]);
  });
});

describe("BoltSession under arbitrary message sequences", () => {
  const request: fc.Arbitrary<Request> = fc.oneof(
    fc.constant(hello),
    fc.constantFrom(logon(), logon("bad")),
    fc.constantFrom<Request>(
      { type: "LOGOFF" },
      { type: "RESET" },
      { type: "COMMIT" },
      { type: "ROLLBACK" },
      { type: "TELEMETRY", api: 1n },
    ),
    fc.constant<Request>({ type: "BEGIN", extra: meta({}) }),
    fc
      .constantFrom(
        "RETURN 1",
        "UNWIND [1, 2, 3] AS x RETURN x",
        "CREATE (:N)",
        "RETURN nope",
        "MATCH (",
      )
      .map((q) => run(q)),
    fc
      .tuple(
        fc.constantFrom<"PULL" | "DISCARD">("PULL", "DISCARD"),
        fc.bigInt({ min: -1n, max: 3n }),
        fc.constantFrom(-1n, 0n, 5n),
      )
      .map(([type, n, qid]): Request => ({ type, n, qid })),
    fc.constant<Request>({ type: "ROUTE", routing: meta({}), bookmarks: [], extra: meta({}) }),
  );

  it("never throws, always answers with Bolt responses, and leaves no transaction open after close", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 25 }), (requests) => {
        const { s, send } = session();
        for (const r of requests) {
          const out = send(r);
          for (const m of out.responses)
            expect([SUCCESS, RECORD, IGNORED, FAILURE]).toContain(m.signature);
          if (out.close) break;
        }
        s.cleanup();
      }),
      { numRuns: 400 },
    );
  });
});
