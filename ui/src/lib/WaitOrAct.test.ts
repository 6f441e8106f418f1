import { describe, it, expect, vi, beforeEach, afterEach } from "vitest";
import { render, screen, fireEvent } from "@testing-library/svelte";
import WaitOrAct from "./WaitOrAct.svelte";
import { i18n } from "./i18n.svelte";
import type { WaitOrAct as Wait } from "../bindings";

const waitable: Wait = { verdict: "wait_or_sign_out", stale_after_minutes: 120, blocking: [] };

describe("WaitOrAct", () => {
  beforeEach(() => {
    localStorage.clear();
    i18n.set("en");
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    vi.setSystemTime(new Date("2026-11-27T10:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("counts down from when the error was seen and survives a restart", async () => {
    const first = render(WaitOrAct, { wait: waitable });
    expect(screen.getByTestId("wait-or-act").textContent).toContain("within about 2 hours");
    await fireEvent.click(screen.getByText("30 minutes ago"));
    expect(screen.getByTestId("wait-countdown").textContent).toContain("1:30:00");
    await vi.advanceTimersByTimeAsync(61_000);
    expect(screen.getByTestId("wait-countdown").textContent).toContain("1:28:59");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("26");
    first.unmount();

    // A new window picks up the same countdown from storage.
    render(WaitOrAct, { wait: waitable });
    expect(screen.getByTestId("wait-countdown").textContent).toContain("1:28:59");
    await vi.advanceTimersByTimeAsync(89 * 60_000);
    expect(screen.getByTestId("wait-over").textContent).toContain("should be gone by now");
    await fireEvent.click(screen.getByText("Start over"));
    expect(localStorage.getItem("session-doctor.wait-since")).toBeNull();
    expect(screen.getByTestId("wait-now")).toBeTruthy();
    // 90 minutes of one-second ticks re-render 5,400 times: give a loaded machine room.
  }, 30_000);

  it("ignores a damaged or future saved time", () => {
    localStorage.setItem("session-doctor.wait-since", String(Date.now() + 3_600_000));
    render(WaitOrAct, { wait: waitable });
    expect(screen.queryByTestId("wait-countdown")).toBeNull();
    expect(screen.getByTestId("wait-now")).toBeTruthy();
  });

  it("says act, not wait, while something here holds sessions", () => {
    render(WaitOrAct, { wait: { verdict: "act", stale_after_minutes: 120, blocking: ["duplicate_profiles", "web_app_sessions"] } });
    const box = screen.getByTestId("wait-or-act");
    expect(box.dataset.verdict).toBe("act");
    expect(box.textContent).toContain("Several Outlook profiles use the same account");
    expect(box.textContent).toContain("Outlook on the web or web apps are open");
    expect(screen.queryByTestId("wait-now")).toBeNull();
  });

  it("folds a long list of causes behind a summary that counts them", () => {
    const blocking = ["duplicate_profiles", "web_app_sessions", "addin_crashing", "stale_credentials", "mapi_clients"];
    render(WaitOrAct, { wait: { verdict: "act", stale_after_minutes: 120, blocking } as Wait });
    const fold = screen.getByTestId("wait-or-act").querySelector("details");
    expect(fold?.querySelector("summary")?.textContent).toBe("What keeps them open (5)");
    expect(fold?.querySelectorAll("li").length).toBe(5);
  });

  it("counts from the revoke after signing out everywhere", () => {
    const revokedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    render(WaitOrAct, { wait: { ...waitable, revoked_at: revokedAt } });
    expect(screen.getByTestId("wait-countdown").textContent).toContain("1:40:00");
    expect(screen.getByTestId("wait-since-revoke").textContent).toContain("signed out everywhere");
  });

  it("keeps a start saved after the revoke, and ignores a revoke time in the future", () => {
    localStorage.setItem("session-doctor.wait-since", String(Date.now() - 10 * 60_000));
    render(WaitOrAct, { wait: { ...waitable, revoked_at: new Date(Date.now() - 20 * 60_000).toISOString() } });
    expect(screen.getByTestId("wait-countdown").textContent).toContain("1:50:00");
    expect(screen.queryByTestId("wait-since-revoke")).toBeNull();
  });
});
