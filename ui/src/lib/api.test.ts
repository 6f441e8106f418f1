import { describe, it, expect } from "vitest";
import { call, toAppError } from "./api";

describe("call", () => {
  it("unwraps ok results and plain values", async () => {
    expect(await call(async () => ({ status: "ok" as const, data: 3 }))).toEqual({ ok: true, data: 3 });
    expect(await call(async () => ({ kind: "live" }))).toEqual({ ok: true, data: { kind: "live" } });
  });
  it("passes typed errors through unchanged", async () => {
    const error = { code: "network" as const, message: "m", hint: "h" };
    expect(await call(async () => ({ status: "error" as const, error }))).toEqual({ ok: false, error });
  });
  it("folds thrown values into internal errors", async () => {
    const got = await call(async () => {
      throw "boom";
    });
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.error.code).toBe("internal");
  });
});

describe("toAppError", () => {
  it("keeps an AppError-like object's code and fills a missing hint", () => {
    const e = toAppError({ code: "network", message: "offline" });
    expect(e.code).toBe("network");
    expect(e.hint.length).toBeGreaterThan(0);
  });
});
