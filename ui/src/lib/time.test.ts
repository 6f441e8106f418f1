import { describe, it, expect } from "vitest";
import { ago } from "./time";

describe("ago", () => {
  const now = Date.parse("2026-11-27T12:00:00Z");
  it("speaks in the largest fitting unit", () => {
    expect(ago("2026-11-27T10:00:00Z", "en", now)).toBe("2 hours ago");
    expect(ago("2026-11-25T12:00:00Z", "en", now)).toBe("2 days ago");
    expect(ago("2026-11-27T11:59:50Z", "en", now)).toBe("this minute");
    expect(ago("2026-11-27T10:00:00Z", "es", now)).toBe("hace 2 horas");
  });
  it("returns null for missing or broken dates", () => {
    expect(ago(null, "en", now)).toBeNull();
    expect(ago("yesterday-ish", "en", now)).toBeNull();
  });
});
