import { describe, expect, it } from "vitest";
import { APIError } from "better-auth/api";
import { betterAuthError } from "./api-error";

describe("betterAuthError", () => {
  it("reads the status and code of better-auth's errors", () => {
    const error = APIError.from("BAD_REQUEST", {
      message: "Invalid password",
      code: "INVALID_PASSWORD",
    });
    expect(betterAuthError(error)).toEqual({ status: "BAD_REQUEST", code: "INVALID_PASSWORD" });
  });

  it("recognises a copy from another bundle by its shape", () => {
    const copy = Object.assign(new Error("x"), {
      name: "APIError",
      status: "UNAUTHORIZED",
      body: {},
    });
    expect(betterAuthError(copy)).toEqual({ status: "UNAUTHORIZED", code: null });
  });

  it("is null for anything else", () => {
    expect(betterAuthError(new Error("boom"))).toBeNull();
    expect(betterAuthError({ status: 400 })).toBeNull();
    expect(betterAuthError(null)).toBeNull();
  });
});
