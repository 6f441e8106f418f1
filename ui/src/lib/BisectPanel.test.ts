// The add-in check against a stubbed backend: start, answer, culprit, keep it off.
import { describe, it, expect, vi, beforeEach, afterEach } from "vitest";
import { render, screen, fireEvent } from "@testing-library/svelte";

const commands = vi.hoisted(() => ({
  bisectState: vi.fn(),
  bisectStart: vi.fn(),
  bisectAnswer: vi.fn(),
  bisectFinish: vi.fn(),
  bisectRestoreAll: vi.fn(),
}));
vi.mock("../bindings", () => ({ commands, SCAN_SOURCES: ["addins"] }));
// A Channel stand-in: each step's scan reports its progress through it.
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
}));

import BisectPanel from "./BisectPanel.svelte";
import { i18n } from "./i18n.svelte";
import { scanState } from "./scan.svelte";

/** The session each step comes back with: the PC scanned again after the change. */
const session = { scan: null, diagnosis: null, journal: [], journal_error: null, changes: [] };
const stepped = (bisect: object) => ({ status: "ok", data: { bisect, session } });

const layout = { office_root: "HKCU", machine_addin_roots: [], policy_roots: [] };
const state = (phase: object, rounds: { suspects: string[]; disabled: string[]; error_came_back: boolean | null }[] = []) => ({
  layout, candidates: ["A", "B", "C", "D"], skipped: [], suspects: ["A", "B"], rounds, disabled: [], phase,
});

// The spies on the scan state go back to the real method after each test.
afterEach(() => {
  vi.restoreAllMocks();
});

beforeEach(() => {
  vi.resetAllMocks();
  i18n.set("en");
  commands.bisectState.mockResolvedValue({ status: "ok", data: null });
});

describe("BisectPanel", () => {
  it("offers to continue a check left by a restart, or to put every add-in back", async () => {
    const onchange = vi.spyOn(scanState, "step");
    commands.bisectState.mockResolvedValue({ status: "ok", data: state({ phase: "awaiting_answer" }, [{ suspects: ["A", "B", "C", "D"], disabled: ["A", "B"], error_came_back: null }]) });
    commands.bisectRestoreAll.mockResolvedValue({ status: "ok", data: { restored: { restored: ["A", "B"], notes: [] }, session } });
    render(BisectPanel);
    expect((await screen.findByTestId("bisect-resumed")).textContent).toContain("under way when Session Doctor last closed");
    // Continuing is the same question as before the restart.
    expect(screen.getByTestId("bisect-yes")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("bisect-restore-all"));
    expect(commands.bisectRestoreAll).toHaveBeenCalled();
    expect((await screen.findByTestId("bisect-restored")).textContent).toContain("back on (2)");
    expect(screen.queryByTestId("bisect-yes")).toBeNull();
    expect(onchange).toHaveBeenCalled();
  });

  it("shows a damaged saved check as an error, with nothing half-done on screen", async () => {
    commands.bisectState.mockResolvedValue({ status: "error", error: { code: "journal_corrupt", message: "The saved add-in check is damaged.", hint: "Put every add-in back." } });
    render(BisectPanel);
    expect(await screen.findByText("The saved add-in check is damaged.")).toBeTruthy();
  });

  it("narrows down to the culprit and keeps it off if asked", async () => {
    // Each step returns the session scanned again, and the scan state takes it.
    const onchange = vi.spyOn(scanState, "step");
    commands.bisectStart.mockResolvedValue(stepped(state({ phase: "awaiting_answer" }, [{ suspects: ["A", "B", "C", "D"], disabled: ["A", "B"], error_came_back: null }])));
    commands.bisectAnswer.mockResolvedValue(stepped(state({ phase: "found", culprit: "B" })));
    commands.bisectFinish.mockResolvedValue(stepped(state({ phase: "finished", kept_disabled: "B" })));
    render(BisectPanel);
    await fireEvent.click(await screen.findByTestId("bisect-start"));
    expect((await screen.findByTestId("bisect-round")).textContent).toContain("Round 1 of at most 2: these add-ins are off now: A, B.");
    await fireEvent.click(screen.getByTestId("bisect-no"));
    expect(commands.bisectAnswer).toHaveBeenCalledWith(false, expect.anything());
    expect((await screen.findByTestId("bisect-found")).textContent).toContain("B");
    await fireEvent.click(screen.getByTestId("bisect-keep"));
    expect(commands.bisectFinish).toHaveBeenCalledWith(true, expect.anything());
    expect((await screen.findByTestId("bisect-done")).textContent).toContain("B stays off");
    expect(onchange).toHaveBeenCalledTimes(3);
  });

  it("shows why it cannot start", async () => {
    commands.bisectStart.mockResolvedValue({ status: "error", error: { code: "bisect_wrong_step", message: "No enabled add-in may be turned off", hint: "Nothing to check" } });
    render(BisectPanel);
    await fireEvent.click(await screen.findByTestId("bisect-start"));
    expect((await screen.findByTestId("error")).dataset.code).toBe("bisect_wrong_step");
  });
});
