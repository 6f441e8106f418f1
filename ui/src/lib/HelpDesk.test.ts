// The help-desk tab against a stubbed backend: the report and admin mode.
import { describe, it, expect, vi, beforeEach } from "vitest";
import { render, screen, fireEvent, waitFor, within } from "@testing-library/svelte";

const commands = vi.hoisted(() => ({
  getSettings: vi.fn(),
  buildReport: vi.fn(),
  saveReport: vi.fn(),
  wizardProgress: vi.fn(),
  adminAccess: vi.fn(),
  adminSearch: vi.fn(),
  adminImportCsv: vi.fn(),
  adminUserActivity: vi.fn(),
  adminRevoke: vi.fn(),
  registerAppScript: vi.fn(),
}));
vi.mock("../bindings", () => ({ commands }));
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
}));

import HelpDeskScreen from "./HelpDeskScreen.svelte";

// jsdom's File lacks text(); WebKit has it. Read through FileReader the same way.
if (!("text" in File.prototype)) {
  Object.defineProperty(File.prototype, "text", {
    value(this: File) {
      return new Promise<string>((ok) => {
        const reader = new FileReader();
        reader.onload = () => ok(String(reader.result));
        reader.readAsText(this);
      });
    },
  });
}
import { i18n } from "./i18n.svelte";

const dflt = { kind: "default" };
const settings = (over: Record<string, unknown> = {}) => ({
  client_id: { value: "abc", source: { kind: "file", path: "/etc/session-doctor/config.toml" } },
  tenant: { value: null, source: dflt },
  cloud: { value: "public", source: dflt },
  authority: { value: null, source: dflt },
  graph: { value: null, source: dflt },
  report_include_personal_data: { value: false, source: dflt },
  report_folder: { value: null, source: dflt },
  report_format: { value: "html", source: dflt },
  file: "/etc/session-doctor/config.toml",
  file_found: true,
  problems: [],
  ...over,
});
const view = {
  report: { redacted: true, summary: { headline: "8 findings", findings: 8, high_findings: 2, steps_done: 1, steps_total: 10, repairs: 1, repairs_undone: 0, error: "" } },
  html: "<!DOCTYPE html>",
  ticket: "Session Doctor report\nAccount: user-1@domain-1",
};
const users = Array.from({ length: 45 }, (_, i) => ({ id: `id${i}`, display_name: `User ${i}`, upn: `user${String(i + 1).padStart(3, "0")}@contoso.example`, mail: null }));
const access = { upn: "megan@contoso.example", roles: ["Global Administrator"], roles_known: true, can_search: true, can_revoke: true, can_read_sign_ins: true, missing_permissions: [], requirements: { revoke_roles: [], sign_in_roles: [], permissions: [], licence: "", summary: "" }, summary: "ok" };
const revoked = (upn: string) => ({ upn, outcome: { kind: "revoked" } });
const failed = (upn: string) => ({ upn, outcome: { kind: "failed", code: "serviceUnavailable", message: "Microsoft's service failed (HTTP 503)", retryable: true } });

beforeEach(() => {
  vi.resetAllMocks();
  localStorage.clear();
  i18n.set("en");
  commands.getSettings.mockResolvedValue(settings());
  commands.buildReport.mockResolvedValue(view);
});

describe("report", () => {
  it("saves a redacted report with the plan's progress and says where", async () => {
    // The guided fix's progress, as the backend keeps it.
    commands.wizardProgress.mockResolvedValue({ status: "ok", data: { screen: "step", track: "work", stage: 0, step: 1, states: { close_other_devices: "done" }, message: null } });
    commands.saveReport.mockResolvedValue({ status: "ok", data: { path: "/home/u/report.html", format: "html", bytes: 100, redacted: true } });
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("report-save"));
    const saved = await screen.findByTestId("report-saved");
    expect(saved.textContent).toContain("personal data replaced");
    expect(saved.dataset.path).toBe("/home/u/report.html");
    expect(commands.saveReport).toHaveBeenCalledWith(
      { include_personal_data: false, track: "work", steps: [{ id: "close_other_devices", status: "done" }], error_message: null },
      "html",
    );
  });

  it("follows IT's defaults, says a closed dialog saved nothing, and copies the ticket text", async () => {
    commands.getSettings.mockResolvedValue(settings({ report_include_personal_data: { value: true, source: { kind: "environment", variable: "SESSION_DOCTOR_REPORT_PERSONAL_DATA" } }, report_format: { value: "json", source: dflt } }));
    commands.saveReport.mockResolvedValue({ status: "ok", data: null });
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    render(HelpDeskScreen);
    await waitFor(() => expect((screen.getByTestId("report-personal") as HTMLInputElement).checked).toBe(true));
    await fireEvent.click(screen.getByTestId("report-save"));
    await screen.findByText(/save dialog was closed/);
    expect(commands.saveReport.mock.calls[0][1]).toBe("json");
    await fireEvent.click(screen.getByTestId("report-copy"));
    await screen.findByTestId("report-copied");
    expect(writeText).toHaveBeenCalledWith(view.ticket);
    // The IT preset is listed with where it came from.
    expect(screen.getByTestId("settings").textContent).toContain("from /etc/session-doctor/config.toml");
  });

  it("says what IT preset was refused in the reader's language", async () => {
    commands.getSettings.mockResolvedValue(settings({ problems: [{ kind: "unknown_cloud", value: "mars", clouds: "public, us_gov, china" }] }));
    render(HelpDeskScreen);
    const refused = await screen.findByRole("alert");
    expect(refused.textContent).toBe("cloud 'mars' is not one of public, us_gov, china; using public");
    i18n.set("es");
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("la nube «mars» no es ninguna de public, us_gov, china; se usa public"));
  });

  it("previews the report in the screen's language, and hides a preview made in another", async () => {
    const spanish = { ...view, report: { ...view.report, summary: { ...view.report.summary, headline: "8 hallazgos, 2 de gravedad alta." } }, ticket: "Informe de Session Doctor\nCuenta: user-1@domain-1" };
    commands.buildReport.mockResolvedValue(spanish);
    i18n.set("es");
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("report-preview"));
    const ticket = await screen.findByTestId("report-ticket");
    expect(ticket.textContent).toBe(spanish.ticket);
    // Written in Spanish by the backend: nothing on it is marked as English.
    expect(screen.getByTestId("report-view").querySelector("[lang]")).toBeNull();
    expect(screen.getByTestId("report-view").textContent).toContain("8 hallazgos, 2 de gravedad alta.");
    // Switching the language: the Spanish preview goes; asking again brings the English one.
    i18n.set("en");
    await waitFor(() => expect(screen.queryByTestId("report-view")).toBeNull());
    commands.buildReport.mockResolvedValue(view);
    await fireEvent.click(screen.getByTestId("report-preview"));
    expect((await screen.findByTestId("report-ticket")).textContent).toBe(view.ticket);
  });

  it("shows a save error in words", async () => {
    commands.saveReport.mockResolvedValue({ status: "error", error: { code: "internal", message: "The report could not be saved to /x: permission denied", hint: "Pick another folder" } });
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("report-save"));
    expect((await screen.findByTestId("error")).textContent).toContain("permission denied");
  });
});

describe("registering the app", () => {
  it("shows IT the registration script, copies it, and says so in Spanish too", async () => {
    const script = "<#\n.SYNOPSIS\n    Registers Session Doctor\n#>\nNew-MgApplication -DisplayName 'Session Doctor'\n";
    commands.registerAppScript.mockResolvedValue(script);
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    i18n.set("es");
    render(HelpDeskScreen);
    const box = await screen.findByTestId("register-app");
    expect(box.textContent).toContain("Registre Session Doctor en su organización");
    expect(screen.getByTestId("register-app-script").textContent).toBe(script);
    await fireEvent.click(screen.getByTestId("register-app-copy"));
    await screen.findByText(/Guárdelo como register-app.ps1/);
    expect(writeText).toHaveBeenCalledWith(script);
  });

  it("says in words when the clipboard refuses", async () => {
    commands.registerAppScript.mockResolvedValue("New-MgApplication\n");
    Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn().mockRejectedValue(new Error("denied")) }, configurable: true });
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("register-app-copy"));
    await screen.findByText(/could not be copied: select it below/);
  });
});

describe("admin mode", () => {
  it("tells a non-admin which role and permissions to ask for", async () => {
    commands.adminAccess.mockResolvedValue({ status: "ok", data: { ...access, roles: [], can_revoke: false, can_search: false, summary: "You need an admin role.", requirements: { revoke_roles: [{ name: "Helpdesk Administrator", template_id: "729827e3", covers: "non-admin users" }], sign_in_roles: [], permissions: [{ name: "User.RevokeSessions.All", alternatives: [], needed_for: "signing users out" }], licence: "", summary: "" } } });
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("admin-open"));
    const needs = await screen.findByTestId("admin-needs");
    expect(needs.textContent).toContain("Helpdesk Administrator");
    expect(needs.textContent).toContain("User.RevokeSessions.All");
    expect(screen.queryByTestId("admin-query")).toBeNull();
  });

  it("signs 45 users out, shows each result and retries the failed ones", async () => {
    commands.adminAccess.mockResolvedValue({ status: "ok", data: access });
    commands.adminSearch.mockResolvedValue({ status: "ok", data: { query: "user", users, truncated: false } });
    const upns = users.map((u) => u.upn);
    const middle = upns.slice(20, 40);
    commands.adminRevoke
      .mockImplementationOnce(async (_u: string[], channel: { onmessage: (p: unknown) => void }) => {
        for (const [batch, done] of [[1, 20], [2, 40], [3, 45]]) channel.onmessage({ done, total: 45, batch, batches: 3, revoked: 0, failed: 0 });
        return { status: "ok", data: { results: upns.map((u) => (middle.includes(u) ? failed(u) : revoked(u))), summary: {}, retry: middle } };
      })
      .mockImplementationOnce(async (list: string[]) => ({ status: "ok", data: { results: list.map(revoked), summary: {}, retry: [] } }));
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("admin-open"));
    await fireEvent.input(await screen.findByTestId("admin-query"), { target: { value: "user" } });
    await fireEvent.click(screen.getByTestId("admin-search"));
    await screen.findByTestId("admin-found");
    await fireEvent.click(screen.getByText("Choose all found"));
    expect(screen.getByTestId("admin-chosen-count").textContent).toContain("45 users chosen");
    await fireEvent.click(screen.getByTestId("admin-revoke"));
    // Confirmation first, focused on its button; nothing sent yet.
    const confirm = await screen.findByTestId("admin-confirm");
    expect(document.activeElement).toBe(within(confirm).getByTestId("admin-confirm-yes"));
    expect(commands.adminRevoke).not.toHaveBeenCalled();
    await fireEvent.click(within(confirm).getByTestId("admin-confirm-yes"));
    const summary = await screen.findByTestId("admin-summary");
    expect(summary.textContent).toBe("25 of 45 signed out; 20 failed.");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(screen.getAllByText("Microsoft's service failed (HTTP 503)")).toHaveLength(20);
    await fireEvent.click(screen.getByTestId("admin-retry"));
    await waitFor(() => expect(screen.getByTestId("admin-summary").textContent).toBe("45 of 45 signed out; 0 failed."));
    expect(commands.adminRevoke.mock.calls[1][0]).toEqual(middle);
    expect(screen.queryByTestId("admin-retry")).toBeNull();
    expect(document.querySelectorAll('[data-outcome="revoked"]')).toHaveLength(45);
  });

  it("imports a CSV and lists the skipped lines with their reasons", async () => {
    commands.adminAccess.mockResolvedValue({ status: "ok", data: access });
    commands.adminImportCsv.mockResolvedValue({ upns: ["a@contoso.example", "b@contoso.example"], skipped: [{ line: 3, text: "not-an-address", kind: "invalid", reason: "not an email address" }], more_skipped: 0, column: "UserPrincipalName", had_header: true, rows_not_read: 0, summary: "2 users from 3 lines; 1 skipped." });
    render(HelpDeskScreen);
    await fireEvent.click(await screen.findByTestId("admin-open"));
    const input = (await screen.findByTestId("admin-csv")) as HTMLInputElement;
    const file = new File(["UserPrincipalName\na@contoso.example\nnot-an-address\nb@contoso.example\n"], "users.csv", { type: "text/csv" });
    await fireEvent.change(input, { target: { files: [file] } });
    await screen.findByTestId("admin-imported");
    expect(commands.adminImportCsv).toHaveBeenCalledWith("UserPrincipalName\na@contoso.example\nnot-an-address\nb@contoso.example\n");
    expect(screen.getByTestId("admin-chosen-count").textContent).toContain("2 users chosen");
    expect(document.body.textContent).toContain("line 3: not-an-address — not an email address");
  });
});
