import { describe, expect, it } from "vitest";
import { initialUnavailable } from "./registry";

describe("initialUnavailable", () => {
  it("starts Rust pending (Run disabled until the server answered), the in-browser kinds runnable", () => {
    const initial = initialUnavailable(["tfjs", "rust", "cypher", "rust"]);
    expect(Object.keys(initial)).toEqual(["rust"]);
    expect(initial.rust).toMatchObject({ pending: true });
    expect(initial.rust?.signIn).toBeUndefined();
    expect(initialUnavailable(["tfjs", "cypher"])).toEqual({});
  });
});
