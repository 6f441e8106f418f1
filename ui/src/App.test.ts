// The whole UI against a stubbed backend: what the user sees for each answer.
import { describe, it, expect, vi, beforeEach } from "vitest";
import { render, screen, fireEvent, waitFor, within, cleanup } from "@testing-library/svelte";

const commands = vi.hoisted(() => ({
  getMode: vi.fn(),
  enterDemo: vi.fn(),
  leaveDemo: vi.fn(),
  startCheck: vi.fn(),
  runScan: vi.fn(),
  decodeError: vi.fn(),
  getPlan: vi.fn(),
  getSession: vi.fn(),
  setLanguage: vi.fn(),
  planExtras: vi.fn(),
  previewAction: vi.fn(),
  runAction: vi.fn(),
  undoAction: vi.fn(),
  finishAction: vi.fn(),
  rollBackAction: vi.fn(),
  openPage: vi.fn(),
  wizardPlan: vi.fn(),
  wizardProgress: vi.fn(),
  saveWizardProgress: vi.fn(),
  getSettings: vi.fn(),
  buildReport: vi.fn(),
  saveReport: vi.fn(),
}));
vi.mock("./bindings", () => ({
  commands,
  SCAN_SOURCES: ["processes", "outlook_profiles", "thunderbird"],
}));
// A Channel stand-in: the stubbed runScan pushes events through `onmessage` like Tauri does.
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
}));

import App from "./App.svelte";
import { scanState } from "./lib/scan.svelte";
import { i18n } from "./lib/i18n.svelte";

const startReport = {
  app_version: "0.1.0",
  os: "Linux 12 (Debian)",
  hostname: "desk-42",
  mode: { kind: "live" },
  tenant: null,
  summary: "Ready to check desk-42 (Linux 12 (Debian)).",
};

const proc = (kind: string, pid: number, helper = false) => ({
  kind, name: kind, pid, parent_pid: null, user: "u", start_time: 1, exe: null, helper,
  instance: 1, instances_of_kind: 2, detail: null, connections: { established: 5, microsoft_365: 4 },
});

const scanReport = {
  processes: [proc("classic_outlook", 11), proc("classic_outlook", 12), proc("thunderbird", 13)],
  profiles: [
    { name: "Outlook", version: "16.0", is_default: true, accounts: [{ email: "a@contoso.com", display_name: null, kind: "exchange", account_name: null }], mailboxes: [], data_files: [], cached_mode: true, download_shared_folders: null, duplicate_of: ["Outlook - Copy"], key: "k1", notes: [] },
    { name: "Outlook - Copy", version: "16.0", is_default: false, accounts: [{ email: "a@contoso.com", display_name: null, kind: "exchange", account_name: null }], mailboxes: [], data_files: [], cached_mode: true, download_shared_folders: null, duplicate_of: ["Outlook"], key: "k2", notes: [] },
  ],
  addins: [{ prog_id: "TeamsAddin.FastConnect", friendly_name: "Teams Meeting", description: null, load_behavior: 3, load_behavior_meaning: "load at startup", off: false, hive: "HKCU", hives: ["HKCU"], policy: false, policy_value: null, disabled_by_outlook: false, crashing: false, do_not_disable: false, opens_connections: true, connections_note: null, notes: [] }],
  disabled_items: [],
  accounts: [{ client: "thunderbird", email: "a@contoso.com", host: "outlook.office365.com", source: "prefs.js", profile: null, account_type: "imap", notes: [] }],
  credentials: [{ name: "MicrosoftOffice16_Data:SSPI:a@contoso.com", store: "windows_credential_manager" }],
  sources: [
    { name: "processes", ms: 3, status: "ok", reason: null },
    { name: "outlook_profiles", ms: 2, status: "ok", reason: null },
    { name: "thunderbird", ms: 1, status: "failed", reason: "prefs.js is not text" },
  ],
  m365_ranges_date: "2026-10-01",
};

// The backend's session as the stub holds it: the scan's and every change's answer carry it.
const session = { scan: null as unknown, journal: [] as unknown[], diagnosis: null as unknown, changes: [] as unknown[] };
const view = () => ({ scan: session.scan, diagnosis: session.diagnosis, journal: session.journal, journal_error: null, changes: session.changes });
/** A change that worked: its entry, and the session after it (the backend scanned again). */
const acted = (done: unknown, journal: unknown[] = [done]) => async () => {
  session.journal = journal;
  return { status: "ok", data: { done, failed: null, session: view() } };
};
/** A change that failed: why, and the session after it. */
const refused = (failed: unknown) => async () => ({ status: "ok", data: { done: null, failed, session: view() } });

beforeEach(() => {
  vi.resetAllMocks();
  Object.assign(session, { scan: null, journal: [], diagnosis: null, changes: [] });
  localStorage.clear();
  i18n.set("en");
  scanState.report = null;
  scanState.journal = [];
  scanState.changes = [];
  scanState.diagnosis = null;
  scanState.error = null;
  commands.getMode.mockResolvedValue({ kind: "live" });
  commands.runScan.mockImplementation(async (channel: { onmessage: (m: unknown) => void }) => {
    channel.onmessage({ source: "processes", state: "started", fraction: 0, status: null });
    channel.onmessage({ source: "processes", state: "finished", fraction: 0.34, status: "ok" });
    session.scan = scanReport;
    return { status: "ok", data: view() };
  });
  commands.getSession.mockImplementation(async () => view());
  // The backend keeps the wizard's progress: an in-memory stand-in that saves what it gets.
  let saved = { screen: "message", track: null, stage: 0, step: 0, states: {}, message: null, answers: { web_works: null, connections_counted: null } };
  commands.wizardProgress.mockImplementation(async () => ({ status: "ok", data: saved }));
  commands.saveWizardProgress.mockImplementation(async (p: typeof saved) => {
    saved = p;
    return { status: "ok", data: p };
  });
  commands.wizardPlan.mockImplementation(async (track: string | null) => ({ status: "ok", data: wizardPlan(track ?? "work") }));
  commands.getSettings.mockResolvedValue({ status: "error", error: { code: "internal", message: "no settings in tests", hint: "" } });
  commands.getPlan.mockImplementation(async (track: string) =>
    ["close_other_devices", "sign_out_web"].map((id, i) => ({
      id, track, stage: "main", kind: i === 0 ? "guide" : "action", title: `Title ${id}`,
      instructions: [`Do ${id}`], pages: i === 1 ? [{ label: "Outlook on the web", url: "https://outlook.office.com/" }] : [],
      source_quote: id, reference: null, input: null,
    })),
  );
});

async function startApp(section: "wizard" | "computer" = "computer") {
  commands.startCheck.mockResolvedValue({ status: "ok", data: startReport });
  render(App);
  await fireEvent.click(screen.getByTestId("start"));
  await screen.findByTestId("summary");
  // Start opens the guided fix; the details are one tab away.
  if (section === "computer") await fireEvent.click(screen.getByTestId("tab-computer"));
}

describe("welcome", () => {
  it("names the problem and offers Start and the demo", () => {
    render(App);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/exceeded the maximum number of allowed sessions/);
    expect(screen.getByTestId("start").textContent?.trim()).toBe("Start");
    expect(screen.getByTestId("demo-toggle").textContent?.trim()).toBe("Try the demo");
  });

  it("shows message and hint of a typed error, tagged with its code", async () => {
    commands.startCheck.mockResolvedValue({
      status: "error",
      error: { code: "sandbox_unavailable", message: "The tenant did not answer", hint: "Start the demo again." },
    });
    render(App);
    await fireEvent.click(screen.getByTestId("start"));
    const card = await screen.findByTestId("error");
    expect(card.dataset.code).toBe("sandbox_unavailable");
    expect(card.textContent).toContain("The tenant did not answer");
    expect(card.textContent).toContain("Start the demo again.");
  });

  it("turns an IPC failure into a readable internal error", async () => {
    commands.startCheck.mockRejectedValue(new Error("command start_check not allowed"));
    render(App);
    await fireEvent.click(screen.getByTestId("start"));
    const card = await screen.findByTestId("error");
    expect(card.dataset.code).toBe("internal");
    expect(card.textContent).toContain("not allowed");
  });

  it("enters and leaves the demo, showing a badge while in it", async () => {
    commands.enterDemo.mockResolvedValue({ status: "ok", data: { kind: "demo", tenant_url: "http://127.0.0.1:1" } });
    commands.leaveDemo.mockResolvedValue({ kind: "live" });
    render(App);
    await fireEvent.click(screen.getByTestId("demo-toggle"));
    await screen.findByTestId("demo-badge");
    expect(screen.getByTestId("demo-toggle").textContent?.trim()).toBe("Leave the demo");
    await fireEvent.click(screen.getByTestId("demo-toggle"));
    await waitFor(() => expect(screen.queryByTestId("demo-badge")).toBeNull());
  });

  it("switches to Spanish and back from the language menu", async () => {
    render(App);
    const select = screen.getByTestId("language") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "es" } });
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/número máximo de sesiones permitidas/);
    expect(screen.getByTestId("start").textContent?.trim()).toBe("Empezar");
    await fireEvent.change(select, { target: { value: "en" } });
    expect(screen.getByTestId("start").textContent?.trim()).toBe("Start");
    // The backend's sentences follow: its language is set at start and at each switch.
    await waitFor(() => expect(commands.setLanguage.mock.calls.map((c) => c[0])).toEqual(["en", "es", "en"]));
  });

  it("disables Start while the check runs", async () => {
    let finish: (v: unknown) => void = () => {};
    commands.startCheck.mockReturnValue(new Promise((r) => (finish = r)));
    render(App);
    await fireEvent.click(screen.getByTestId("start"));
    expect((screen.getByTestId("start") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("progress")).toBeTruthy();
    finish({ status: "ok", data: startReport });
    await screen.findByTestId("summary");
  });
});

describe("this computer", () => {
  it("shows the check's answer, scans at once and groups what it found", async () => {
    await startApp();
    expect(screen.getByTestId("summary").textContent).toBe(startReport.summary);
    await waitFor(() => expect(screen.getByTestId("scan-status").textContent).toMatch(/Scan finished/));
    const outlook = screen.getByTestId("group-outlook");
    expect(within(outlook).getByText("open 2 times")).toBeTruthy();
    const profiles = screen.getByTestId("group-profiles");
    expect(within(profiles).getByText("same account as Outlook - Copy")).toBeTruthy();
    expect(within(screen.getByTestId("group-addins")).getByText("opens its own connections")).toBeTruthy();
    expect(within(screen.getByTestId("group-others")).getByText(/outlook\.office365\.com/)).toBeTruthy();
    const failed = screen.getByTestId("sources").querySelector('[data-source="thunderbird"]') as HTMLElement;
    expect(failed.dataset.state).toBe("failed");
    expect(failed.textContent).toContain("prefs.js is not text");
    expect(commands.runScan).toHaveBeenCalledTimes(1);
  });

  it("shows a scan error with its hint and keeps Scan again usable", async () => {
    commands.runScan.mockResolvedValue({ status: "error", error: { code: "internal", message: "The scan stopped", hint: "Run it again" } });
    await startApp();
    const card = await screen.findByTestId("error");
    expect(card.textContent).toContain("Run it again");
    expect((screen.getByTestId("rescan") as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("repairs", () => {
  const preview = { title: "Remove the profile Outlook - Copy", changes: ["Deletes the profile"], undo: "puts it back from the export", undoable: true, needs_consent: false };
  const entry = (state: string, can_undo: boolean) => ({ id: "e1", kind: "remove_profile", target: "Outlook - Copy", preview, state, created_at_ms: 1, updated_at_ms: 1, can_undo, can_roll_back: false, outcome: null, error: null });

  it("previews, asks, runs through the journal, rescans, and offers undo", async () => {
    commands.previewAction.mockResolvedValue({ status: "ok", data: preview });
    commands.runAction.mockImplementation(acted(entry("applied", true)));
    commands.undoAction.mockImplementation(acted(entry("undone", false)));
    await startApp();
    await waitFor(() => expect(screen.getByTestId("scan-status").textContent).toMatch(/Scan finished/));
    const button = screen.getByTestId("group-profiles").querySelector('[data-action="remove_profile"]') as HTMLElement;
    expect(button).toBeTruthy();
    await fireEvent.click(button);
    expect(commands.previewAction).toHaveBeenCalledWith({ kind: "remove_profile", name: "Outlook - Copy", version: "16.0" });
    const dialog = await screen.findByTestId("action-confirm");
    expect(dialog.textContent).toContain("puts it back from the export");
    expect(commands.runAction).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("action-yes"));
    await screen.findByTestId("journal");
    expect(commands.runAction).toHaveBeenCalledTimes(1);
    // The backend scanned again inside the change: one call, no second scan from the UI.
    expect(commands.runScan).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("undo"));
    expect(commands.undoAction).toHaveBeenCalledWith("e1", false, expect.anything());
  });

  it("undoes a change whose key changed since only after an explicit yes", async () => {
    session.journal = [entry("applied", true)];
    commands.undoAction
      .mockImplementationOnce(refused({ code: "undo_conflict", message: "HKCU\\X changed after this change was made (the value HKCU\\X \"LoadBehavior\" was changed)", hint: "Scan again" }))
      .mockImplementationOnce(acted(entry("undone", false)));
    await startApp();
    await fireEvent.click(await screen.findByTestId("undo"));
    expect(commands.undoAction).toHaveBeenLastCalledWith("e1", false, expect.anything());
    const dialog = await screen.findByTestId("undo-conflict");
    expect(dialog.textContent).toContain("\"LoadBehavior\" was changed");
    expect(commands.undoAction).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("undo-anyway"));
    expect(commands.undoAction).toHaveBeenLastCalledWith("e1", true, expect.anything());
    await waitFor(() => expect(screen.queryByTestId("undo-conflict")).toBeNull());
  });

  it("offers to finish or put back a change the app was killed in the middle of", async () => {
    session.journal = [{ ...entry("backed_up", false), can_roll_back: true }];
    commands.rollBackAction.mockImplementation(acted(entry("rolled_back", false)));
    await startApp();
    const journal = await screen.findByTestId("journal");
    expect(journal.textContent).toContain("stopped in the middle");
    await fireEvent.click(screen.getByTestId("roll-back"));
    expect(commands.rollBackAction).toHaveBeenCalledWith("e1", expect.anything());
    expect(commands.finishAction).not.toHaveBeenCalled();
  });

  it("forces a close only after a second, explicit yes", async () => {
    commands.previewAction
      .mockResolvedValueOnce({ status: "ok", data: { ...preview, title: "Close Outlook", undoable: false } })
      .mockResolvedValueOnce({ status: "ok", data: { ...preview, title: "Close Outlook", undoable: false, needs_consent: true, confirmation: "tok-1" } });
    commands.runAction
      .mockImplementationOnce(refused({ code: "process_still_running", message: "Outlook is still running", hint: "Force it" }))
      .mockImplementationOnce(acted(entry("applied", false)));
    await startApp();
    await waitFor(() => expect(screen.getByTestId("scan-status").textContent).toMatch(/Scan finished/));
    const close = screen.getByTestId("group-outlook").querySelector('[data-action="close_client"][data-pid="12"]') as HTMLElement;
    await fireEvent.click(close);
    await fireEvent.click(await screen.findByTestId("action-yes"));
    expect(commands.runAction).toHaveBeenLastCalledWith({ kind: "close_client", pid: 12, name: "classic_outlook", start_time: 1, force: false }, expect.anything());
    // The forced close is previewed first: the backend issues the confirmation for this process.
    await fireEvent.click(await screen.findByTestId("force-yes"));
    expect(commands.previewAction).toHaveBeenLastCalledWith({ kind: "close_client", pid: 12, name: "classic_outlook", start_time: 1, force: true, confirmation: null });
    expect(commands.runAction).toHaveBeenLastCalledWith({ kind: "close_client", pid: 12, name: "classic_outlook", start_time: 1, force: true, confirmation: "tok-1" }, expect.anything());
    await waitFor(() => expect(screen.queryByTestId("force-confirm")).toBeNull());
  });

  it("deletes a saved sign-in only after the consent box is ticked", async () => {
    commands.previewAction.mockResolvedValue({ status: "ok", data: { ...preview, title: "Delete the saved sign-in", undoable: false, needs_consent: true } });
    commands.runAction.mockImplementation(acted(entry("applied", false)));
    await startApp();
    await waitFor(() => expect(screen.getByTestId("scan-status").textContent).toMatch(/Scan finished/));
    await fireEvent.click(screen.getByTestId("group-credentials").querySelector('[data-action="remove_credential"]') as HTMLElement);
    const yes = (await screen.findByTestId("action-yes")) as HTMLButtonElement;
    expect(yes.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("action-consent"));
    expect(yes.disabled).toBe(false);
    await fireEvent.click(yes);
    expect(commands.runAction).toHaveBeenCalledWith({ kind: "remove_credential", target: "MicrosoftOffice16_Data:SSPI:a@contoso.com", consent: true }, expect.anything());
  });

  it("shows a refused action as an error and changes nothing", async () => {
    commands.previewAction.mockResolvedValue({ status: "error", error: { code: "addin_policy_managed", message: "Managed by policy", hint: "Ask IT" } });
    await startApp();
    await waitFor(() => expect(screen.getByTestId("scan-status").textContent).toMatch(/Scan finished/));
    const button = screen.getByTestId("group-addins").querySelector('[data-action="disable_addin"]') as HTMLElement;
    await fireEvent.click(button);
    const card = await screen.findByTestId("error");
    expect(card.dataset.code).toBe("addin_policy_managed");
    expect(commands.runAction).not.toHaveBeenCalled();
  });
});

describe("tabs", () => {
  it("moves between sections with the arrow keys", async () => {
    await startApp();
    const tab = screen.getByTestId("tab-computer");
    tab.focus();
    await fireEvent.keyDown(tab, { key: "ArrowRight" });
    expect(screen.getByTestId("tab-account").getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(screen.getByTestId("tab-account"), { key: "ArrowRight" });
    expect(screen.getByTestId("tab-decoder").getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("decoder-screen")).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId("tab-decoder"), { key: "ArrowLeft" });
    await fireEvent.keyDown(screen.getByTestId("tab-account"), { key: "ArrowLeft" });
    expect(screen.getByTestId("scan-screen")).toBeTruthy();
  });
});

describe("decoder", () => {
  it("sends the pasted text and shows the limit", async () => {
    commands.decodeError.mockResolvedValue({
      status: "ok",
      data: { limit: "mapi_sessions_per_user", limit_number: 32, explanation: "Exchange allows 32.", first_steps: [], matched: "9646" },
    });
    await startApp();
    await fireEvent.click(screen.getByTestId("tab-decoder"));
    await fireEvent.input(screen.getByTestId("decoder-input"), { target: { value: "event 9646" } });
    await fireEvent.click(screen.getByTestId("decoder-explain"));
    const result = await screen.findByTestId("decoder-result");
    expect(commands.decodeError).toHaveBeenCalledWith("event 9646");
    expect(result.dataset.limit).toBe("mapi_sessions_per_user");
    expect(result.textContent).toContain("32 at a time");
  });
});

const step = (id: string, stage: string, pages: { label: string; url: string }[] = [], input: string | null = null) => ({
  id, track: "work", stage, kind: "guide", title: `Title ${id}`, instructions: [`Do ${id}`], pages, source_quote: input ? "" : id,
  reference: input ? `Research behind ${id}` : null, input,
});

/** The backend's guided fix for the test PC: the duplicate profile found and repairable. */
function wizardPlan(track: string) {
  return {
    track,
    guessed: "work",
    found_here: 3,
    stages: [
      {
        stage: "main",
        steps: [
          { step: step("close_other_devices", "main"), found: ["outlook_running_multiple"], offer: null, request: null },
          { step: step("sign_out_web", "main", [{ label: "Outlook on the web", url: "https://outlook.office.com/" }]), found: [], offer: null, request: null },
        ],
      },
      {
        stage: "keeps_returning",
        steps: [
          {
            step: step("duplicate_profiles", "keeps_returning"),
            found: ["duplicate_profiles"],
            offer: { id: "remove_profile:16.0:Outlook%20-%20Copy", kind: "remove_profile", target: { profile: "Outlook - Copy", version: "16.0" }, title: 'Remove the duplicate Outlook profile "Outlook - Copy"' },
            request: { kind: "remove_profile", name: "Outlook - Copy", version: "16.0" },
          },
        ],
      },
      { stage: "it_route", steps: [{ step: step("it_help_desk", "it_route"), found: [], offer: null, request: null }] },
    ],
  };
}

const diagnosis = {
  findings: [{ code: "outlook_running_multiple", severity: "high", title: "Outlook is running 2 times", evidence: ["OUTLOOK.EXE (process 11)"], step: "close_other_devices", sessions: 4 }],
  estimate: {
    limit: "mapi_sessions_per_user", service: "exchange_online", limit_number: null, limit_status: "not_published", counted: 24,
    summary: "24 connections from this PC", reason: "r", source: { title: "Exchange Online limits", url: "https://learn.microsoft.com/" },
  },
  wait: { verdict: "act", stale_after_minutes: 120, blocking: ["outlook_running_multiple"] },
};

const next = () => screen.getByTestId("wizard-next");
const wizardScreen = () => screen.getByTestId("wizard").dataset.screen;

describe("guided fix", () => {
  it("starts on the message question with its default button focused, then the scan's summary", async () => {
    session.diagnosis = diagnosis;
    commands.decodeError.mockResolvedValue({ status: "ok", data: { limit: "mapi_sessions_per_user", limit_number: 32, explanation: "x", first_steps: [], matched: "9646" } });
    await startApp("wizard");
    expect(wizardScreen()).toBe("message");
    await waitFor(() => expect(document.activeElement).toBe(next()));
    expect(next().textContent?.trim()).toBe("Skip this question");
    await fireEvent.input(screen.getByTestId("wizard-message"), { target: { value: "event 9646" } });
    expect(next().textContent?.trim()).toBe("Continue");
    await fireEvent.click(next());
    expect(commands.decodeError).toHaveBeenCalledWith("event 9646");
    const summary = await screen.findByTestId("wizard-summary");
    expect(summary.textContent).toBe("3 things on this PC hold sessions");
    // The pasted message is kept by the backend, for the report.
    expect(commands.saveWizardProgress).toHaveBeenLastCalledWith(expect.objectContaining({ screen: "scan", message: "event 9646" }));
    // Long evidence is folded behind the details.
    expect(screen.getByTestId("wizard-findings").tagName).toBe("DETAILS");
    await waitFor(() => expect(document.activeElement).toBe(next()));
  });

  it("asks the track once with the guess chosen, walks a stage, and asks whether the error is gone", async () => {
    session.diagnosis = diagnosis;
    await startApp("wizard");
    await fireEvent.click(next()); // skip the message
    await screen.findByTestId("wizard-summary");
    await fireEvent.click(next());
    expect(wizardScreen()).toBe("track");
    expect((screen.getByTestId("wizard-track-work") as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(next());
    const first = await screen.findByTestId("wizard-step");
    expect(first.dataset.step).toBe("close_other_devices");
    expect(screen.getByTestId("wizard-found").textContent?.trim()).toBe("Found on this PC");
    await waitFor(() => expect(document.activeElement).toBe(next()));
    await fireEvent.click(next());
    expect(screen.getByTestId("wizard-step").dataset.step).toBe("sign_out_web");
    await fireEvent.click(screen.getByText("Open Outlook on the web"));
    expect(commands.openPage).toHaveBeenCalledWith("https://outlook.office.com/");
    // Esc goes back one step; the step keeps what the user said about it.
    await fireEvent.keyDown(screen.getByTestId("wizard"), { key: "Escape" });
    expect(screen.getByTestId("wizard-step").dataset.step).toBe("close_other_devices");
    expect(screen.getByTestId("wizard-step").textContent).toContain("done");
    await fireEvent.click(next());
    await fireEvent.click(screen.getByTestId("wizard-skip"));
    expect(wizardScreen()).toBe("verify");
    expect(commands.saveWizardProgress).toHaveBeenLastCalledWith(
      expect.objectContaining({ screen: "verify", track: "work", states: { close_other_devices: "done", sign_out_web: "skipped" } }),
    );
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("wizard-yes")));
    // Not gone: the next stage ("if it keeps returning"), its found step with its repair.
    await fireEvent.click(screen.getByTestId("wizard-no"));
    const dup = await screen.findByTestId("wizard-step");
    expect(dup.dataset.step).toBe("duplicate_profiles");
    expect(screen.getByTestId("wizard-repair-ask").textContent).toContain('Remove the duplicate Outlook profile "Outlook - Copy"');
  });

  it("asks whether the web works, asks the plan again with the answer, and keeps a typed count", async () => {
    session.diagnosis = diagnosis;
    // The backend reads the answer from the saved progress: "the web works" brings the
    // restart forward, as wizard.rs orders it.
    let webWorks: boolean | null = null;
    commands.saveWizardProgress.mockImplementation(async (p: { answers: { web_works: boolean | null } }) => {
      webWorks = p.answers.web_works;
      return { status: "ok", data: p };
    });
    const entry = (id: string, input: string | null = null) => ({ step: step(id, "main", [], input), found: [], offer: null, request: null });
    commands.wizardPlan.mockImplementation(async () => ({
      status: "ok",
      data: {
        track: "work", guessed: "work", found_here: 0,
        stages: [
          { stage: "main", steps: webWorks ? [entry("owa_triage", "web_works"), entry("restart_outlook_here"), entry("close_other_devices")] : [entry("owa_triage", "web_works"), entry("close_other_devices"), entry("restart_outlook_here")] },
          { stage: "keeps_returning", steps: [entry("connection_status", "connection_count")] },
        ],
      },
    }));
    commands.wizardProgress.mockResolvedValueOnce({ status: "ok", data: { screen: "step", track: "work", stage: 0, step: 0, states: {}, message: null, answers: { web_works: null, connections_counted: null } } });
    await startApp("wizard");
    expect((await screen.findByTestId("wizard-step")).dataset.step).toBe("owa_triage");
    expect(next().textContent?.trim()).toBe("Continue");
    expect(screen.queryByTestId("triage-answer")).toBeNull();
    const plansBefore = commands.wizardPlan.mock.calls.length;
    await fireEvent.click(screen.getByTestId("triage-yes"));
    expect((await screen.findByTestId("triage-answer")).textContent).toContain("on this PC or in classic Outlook's connection backoff");
    expect(screen.getByTestId("triage-yes").getAttribute("aria-pressed")).toBe("true");
    expect(commands.saveWizardProgress).toHaveBeenLastCalledWith(expect.objectContaining({ answers: { web_works: true, connections_counted: null } }));
    expect(commands.wizardPlan.mock.calls.length).toBeGreaterThan(plansBefore);
    await waitFor(() => expect(document.activeElement).toBe(next()));
    await fireEvent.click(next());
    await waitFor(() => expect(screen.getByTestId("wizard-step").dataset.step).toBe("restart_outlook_here"));
    // "It fails too" says the limit is the account's.
    await fireEvent.keyDown(screen.getByTestId("wizard"), { key: "Escape" });
    await fireEvent.click(screen.getByTestId("triage-no"));
    expect((await screen.findByTestId("triage-answer")).textContent).toContain("reached for the whole account");

    // The count: a typo is refused in words and nothing is saved; a number is kept.
    commands.wizardProgress.mockResolvedValueOnce({ status: "ok", data: { screen: "step", track: "work", stage: 1, step: 0, states: {}, message: null, answers: { web_works: false, connections_counted: null } } });
    cleanup();
    await startApp("wizard");
    expect((await screen.findByTestId("wizard-step")).dataset.step).toBe("connection_status");
    const input = screen.getByTestId("connection-count") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "lots" } });
    await fireEvent.click(next());
    expect(await screen.findByText("Type a whole number from 0 to 999.")).toBeTruthy();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(wizardScreen()).toBe("step");
    await fireEvent.input(input, { target: { value: "7" } });
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(commands.saveWizardProgress).toHaveBeenCalledWith(expect.objectContaining({ answers: { web_works: false, connections_counted: 7 } })));
    await waitFor(() => expect(wizardScreen()).toBe("verify"));
  });

  it("runs a step's repair after its preview, rescans, and offers undo", async () => {
    const preview = { title: "Remove the profile Outlook - Copy", changes: ["Deletes the profile"], undo: "puts it back", undoable: true, needs_consent: false };
    const entry = { id: "e9", kind: "remove_profile", target: "Outlook - Copy", preview, state: "applied", created_at_ms: 1, updated_at_ms: 1, can_undo: true, can_roll_back: false, outcome: null, error: null };
    commands.previewAction.mockResolvedValue({ status: "ok", data: preview });
    commands.runAction.mockImplementation(acted(entry));
    commands.undoAction.mockImplementation(acted({ ...entry, state: "undone", can_undo: false }));
    commands.wizardProgress.mockResolvedValueOnce({ status: "ok", data: { screen: "step", track: "work", stage: 1, step: 0, states: {}, message: null } });
    await startApp("wizard");
    await fireEvent.click(await screen.findByTestId("wizard-repair-ask"));
    expect(commands.previewAction).toHaveBeenCalledWith({ kind: "remove_profile", name: "Outlook - Copy", version: "16.0" });
    const yes = await screen.findByTestId("wizard-repair-yes");
    await waitFor(() => expect(document.activeElement).toBe(yes));
    // Esc cancels the confirmation only, it does not leave the step.
    await fireEvent.keyDown(screen.getByTestId("wizard-repair-confirm"), { key: "Escape" });
    expect(screen.queryByTestId("wizard-repair-confirm")).toBeNull();
    expect(screen.getByTestId("wizard-step").dataset.step).toBe("duplicate_profiles");
    expect(commands.runAction).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("wizard-repair-ask"));
    await fireEvent.click(await screen.findByTestId("wizard-repair-yes"));
    expect(commands.runAction).toHaveBeenCalledTimes(1);
    await screen.findByTestId("wizard-repair-done");
    // The change's answer carried the new scan: the UI did not scan again itself.
    expect(commands.runScan).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("wizard-repair-undo"));
    expect(commands.undoAction).toHaveBeenCalledWith("e9", false, expect.anything());
  });

  it("resumes where the backend says, and ends on the IT route with the report, methods and tips", async () => {
    commands.planExtras.mockResolvedValue({
      status: "ok",
      data: {
        methods: { columns: ["Manual Sign-Out on Devices", "Microsoft 365 Security Portal", "IT Administrator Reset"], rows: [["Speed", "Fast if you have device access", "Immediate, from any location", "Depends on IT response time"]], recommendation: "Start with the portal." },
        tips: ["Consider setting a reminder to fully close Outlook on secondary computers when your workday ends."],
      },
    });
    commands.wizardProgress.mockResolvedValueOnce({ status: "ok", data: { screen: "step", track: "work", stage: 2, step: 0, states: { close_other_devices: "done" }, message: "event 9646" } });
    await startApp("wizard");
    expect((await screen.findByTestId("wizard-step")).dataset.step).toBe("it_help_desk");
    await fireEvent.click(next());
    await screen.findByTestId("wizard-it-route");
    expect(screen.getByTestId("report-panel")).toBeTruthy();
    expect((await screen.findByTestId("methods")).textContent).toContain("Immediate, from any location");
    // The report carries the progress and the message the backend keeps.
    commands.buildReport.mockResolvedValue({ status: "error", error: { code: "internal", message: "stub", hint: "" } });
    await fireEvent.click(screen.getByTestId("report-preview"));
    await waitFor(() => expect(commands.buildReport).toHaveBeenCalled());
    expect(commands.buildReport).toHaveBeenCalledWith(
      expect.objectContaining({ track: "work", error_message: "event 9646", steps: expect.arrayContaining([{ id: "close_other_devices", status: "done" }, { id: "it_help_desk", status: "done" }]) }),
    );
  });

  it("finishes when the error is gone, with the tips", async () => {
    commands.planExtras.mockResolvedValue({ status: "ok", data: { methods: { columns: [], rows: [], recommendation: "" }, tips: ["Consider setting a reminder"] } });
    commands.wizardProgress.mockResolvedValueOnce({ status: "ok", data: { screen: "verify", track: "work", stage: 0, step: 1, states: { close_other_devices: "done", sign_out_web: "done" }, message: null } });
    await startApp("wizard");
    await fireEvent.click(await screen.findByTestId("wizard-yes"));
    const done = await screen.findByTestId("wizard-finished");
    expect(done.textContent).toBe("The error is gone");
    await waitFor(() => expect(document.activeElement).toBe(done));
    expect(screen.getByTestId("tips").textContent).toContain("Consider setting a reminder");
  });

  it("shows the steps in Spanish", async () => {
    commands.wizardProgress.mockResolvedValueOnce({ status: "ok", data: { screen: "step", track: "work", stage: 0, step: 0, states: {}, message: null } });
    await startApp("wizard");
    i18n.set("es");
    const step = await screen.findByTestId("wizard-step");
    await waitFor(() => expect(step.textContent).toContain("Cierre Outlook en todos los demás dispositivos"));
    expect(next().textContent?.trim()).toBe("Ya lo hice");
    i18n.set("en");
  });

  it("reaches the details and comes back", async () => {
    await startApp("wizard");
    await fireEvent.click(screen.getByTestId("tab-decoder"));
    expect(screen.getByTestId("decoder-screen")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("back-to-wizard"));
    expect(screen.getByTestId("wizard")).toBeTruthy();
  });
});

describe("theme", () => {
  it("switches to dark and back to the system setting, remembered across starts", async () => {
    render(App);
    const select = screen.getByTestId("theme") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "dark" } });
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("session-doctor.theme")).toBe("dark");
    await fireEvent.change(select, { target: { value: "system" } });
    expect(document.documentElement.hasAttribute("data-theme")).toBe(false);
    expect(localStorage.getItem("session-doctor.theme")).toBeNull();
  });
});
