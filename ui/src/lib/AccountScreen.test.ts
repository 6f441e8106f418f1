// The account screen against a stubbed backend.
import { describe, it, expect, vi, beforeEach } from "vitest";
import { render, screen, fireEvent, waitFor, within } from "@testing-library/svelte";

const commands = vi.hoisted(() => ({
  accountStatus: vi.fn(),
  signIn: vi.fn(),
  startDeviceCode: vi.fn(),
  finishDeviceCode: vi.fn(),
  cloudSnapshot: vi.fn(),
  signOutEverywhere: vi.fn(),
  forgetSignIn: vi.fn(),
  openPage: vi.fn(),
}));
vi.mock("../bindings", () => ({ commands }));

import AccountScreen from "./AccountScreen.svelte";
import { i18n } from "./i18n.svelte";

const work = { upn: "megan@contoso.example", display_name: "Megan", id: "1", tenant_id: "t", kind: "work" };
const personal = { ...work, upn: "sam@outlook.com", kind: "personal" };
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const snapshot = (account = work) => ({
  account,
  target: null,
  devices: [{ id: "d1", display_name: "Megan's iPhone", operating_system: "iOS", operating_system_version: "17", trust_type: "Workplace", last_sign_in: hoursAgo(3), is_managed: null, is_compliant: null, registered: true, owned: false }],
  sign_ins: [
    { created: hoursAgo(2), app: "Outlook Mobile", client_app: "Mobile Apps and Desktop clients", device: "iPhone", operating_system: "iOS", browser: null, city: "Madrid", country: "ES", ip_address: "203.0.113.9", success: true, error_code: 0, failure_reason: null, interactive: true },
  ],
  capabilities: { can_revoke: true, can_read_sign_ins: true, can_read_devices: true },
  notes: [],
});
const route = { url: "https://account.live.com/proofs/manage/additional", title: "Advanced security options", reason: "personal", steps: ["Press Sign out"], takes_effect: "up to 24 hours" };

beforeEach(() => {
  vi.resetAllMocks();
  i18n.set("en");
  commands.accountStatus.mockResolvedValue({ status: "ok", data: { account: null, configured: true, demo_users: [{ upn: "megan@contoso.example", description: "admin" }, { upn: "lee@contoso.example", description: "member" }] } });
  commands.signIn.mockResolvedValue({ status: "ok", data: work });
  commands.cloudSnapshot.mockResolvedValue({ status: "ok", data: snapshot() });
});

async function signedIn() {
  render(AccountScreen);
  await fireEvent.click(await screen.findByTestId("sign-in"));
  await screen.findByTestId("signed-in-as");
}

describe("AccountScreen", () => {
  it("says honestly when a sign-in will not be remembered after a restart", async () => {
    commands.accountStatus
      .mockResolvedValueOnce({ status: "ok", data: { account: null, configured: true, demo_users: [] } })
      .mockResolvedValue({ status: "ok", data: { account: work, configured: true, demo_users: [], remembered: { kind: "until_logout" } } });
    await signedIn();
    expect((await screen.findByTestId("remembered")).textContent).toContain("not remembered after a restart");
  });

  it("names why the keyring refused the sign-in", async () => {
    commands.accountStatus
      .mockResolvedValueOnce({ status: "ok", data: { account: null, configured: true, demo_users: [] } })
      .mockResolvedValue({ status: "ok", data: { account: work, configured: true, demo_users: [], remembered: { kind: "this_run_only", reason: "the collection is locked" } } });
    await signedIn();
    expect((await screen.findByTestId("remembered")).textContent).toContain("the collection is locked");
  });

  it("shows no note for a sign-in kept across restarts", async () => {
    commands.accountStatus
      .mockResolvedValueOnce({ status: "ok", data: { account: null, configured: true, demo_users: [] } })
      .mockResolvedValue({ status: "ok", data: { account: work, configured: true, demo_users: [], remembered: { kind: "across_restarts", store: "windows_credential_manager" } } });
    await signedIn();
    await waitFor(() => expect(commands.accountStatus).toHaveBeenCalledTimes(2));
    expect(screen.queryByTestId("remembered")).toBeNull();
  });

  it("signs in as the picked demo user and shows devices and sign-ins in plain words", async () => {
    render(AccountScreen);
    await fireEvent.click(await screen.findByLabelText(/lee@contoso\.example/));
    await fireEvent.click(screen.getByRole("checkbox"));
    await fireEvent.click(screen.getByTestId("sign-in"));
    expect(commands.signIn).toHaveBeenCalledWith("lee@contoso.example", true, null);
    const devices = await screen.findByTestId("devices");
    expect(devices.textContent).toContain("Megan's iPhone · iOS");
    expect(devices.textContent).toContain("3 hours ago");
    expect(screen.getByTestId("sign-ins").textContent).toContain("iPhone, Outlook Mobile, Madrid, 2 hours ago");
  });

  it("asks before signing out everywhere, and Cancel does nothing", async () => {
    await signedIn();
    await fireEvent.click(screen.getByTestId("sign-out-everywhere"));
    const confirm = screen.getByTestId("confirm");
    expect(confirm.textContent).toContain("this app too");
    expect(document.activeElement).toBe(screen.getByTestId("confirm-yes"));
    await fireEvent.click(within(confirm).getByText("Cancel"));
    expect(screen.queryByTestId("confirm")).toBeNull();
    expect(commands.signOutEverywhere).not.toHaveBeenCalled();
  });

  it("reports 'signed out everywhere, including here' and forgets the account", async () => {
    commands.signOutEverywhere.mockResolvedValue({ status: "ok", data: { results: [{ user: "me", outcome: { kind: "revoked" } }], signed_out_here: true, summary: "done" } });
    await signedIn();
    await fireEvent.click(screen.getByTestId("sign-out-everywhere"));
    await fireEvent.click(screen.getByTestId("confirm-yes"));
    const result = await screen.findByTestId("sign-out-result");
    expect(result.textContent).toContain("including here");
    expect(screen.queryByTestId("devices")).toBeNull();
    expect(screen.getByTestId("sign-in")).toBeTruthy();
  });

  it("opens the exact page for a personal account and says what to press", async () => {
    commands.signIn.mockResolvedValue({ status: "ok", data: personal });
    commands.cloudSnapshot.mockResolvedValue({ status: "ok", data: snapshot(personal) });
    commands.signOutEverywhere.mockResolvedValue({ status: "ok", data: { results: [{ user: "me", outcome: { kind: "manual", route } }], signed_out_here: false, summary: "Open the page" } });
    await signedIn();
    // No API lists a personal account's devices: no empty "Devices (0)" that reads as "none".
    await waitFor(() => expect(commands.cloudSnapshot).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("devices")).toBeNull();
    expect(screen.queryByTestId("sign-ins")).toBeNull();
    await fireEvent.click(screen.getByTestId("sign-out-everywhere"));
    expect(screen.getByTestId("confirm").textContent).toContain("up to 24 hours");
    await fireEvent.click(screen.getByTestId("confirm-yes"));
    const result = await screen.findByTestId("sign-out-result");
    expect(commands.openPage).toHaveBeenCalledWith(route.url);
    expect(result.textContent).toContain("Press Sign out");
  });

  it("shows the device code with a copy button while waiting", async () => {
    let finish: (v: unknown) => void = () => {};
    commands.startDeviceCode.mockResolvedValue({ status: "ok", data: { user_code: "ABCD-1234", verification_uri: "https://microsoft.com/devicelogin", message: null, expires_in_secs: 900, interval_secs: 5 } });
    commands.finishDeviceCode.mockReturnValue(new Promise((r) => (finish = r)));
    render(AccountScreen);
    await fireEvent.click(await screen.findByTestId("device-code"));
    expect((await screen.findByTestId("user-code")).textContent).toBe("ABCD-1234");
    finish({ status: "ok", data: work });
    await screen.findByTestId("devices");
    expect(screen.queryByTestId("code-prompt")).toBeNull();
  });

  it("explains a missing client id instead of offering a sign-in that cannot work", async () => {
    commands.accountStatus.mockResolvedValue({ status: "ok", data: { account: null, configured: false, demo_users: [] } });
    render(AccountScreen);
    expect((await screen.findByTestId("not-configured")).textContent).toContain("SESSION_DOCTOR_CLIENT_ID");
    expect(screen.queryByTestId("sign-in")).toBeNull();
  });

  it("says the keyring is locked instead of 'not set up', and still offers the sign-in", async () => {
    commands.accountStatus.mockResolvedValue({ status: "ok", data: { account: null, configured: true, demo_users: [], problem: { code: "keyring_unavailable", message: "The system keyring is locked.", hint: "Unlock it (log in again) and retry." } } });
    render(AccountScreen);
    expect((await screen.findByTestId("error")).dataset.code).toBe("keyring_unavailable");
    expect(screen.queryByTestId("not-configured")).toBeNull();
    expect(screen.getByTestId("sign-in")).toBeTruthy();
  });

  it("lets a live user choose work or personal, which narrows the sign-in", async () => {
    commands.accountStatus.mockResolvedValue({ status: "ok", data: { account: null, configured: true, demo_users: [] } });
    render(AccountScreen);
    await fireEvent.click(await screen.findByLabelText("Personal (Outlook.com, Hotmail)"));
    expect(screen.queryByRole("checkbox")).toBeNull(); // no admin for personal accounts
    await fireEvent.click(screen.getByTestId("sign-in"));
    expect(commands.signIn).toHaveBeenCalledWith(null, false, "personal");
  });

  it("shows a declined sign-in as an error with its hint", async () => {
    commands.signIn.mockResolvedValue({ status: "error", error: { code: "sign_in_declined", message: "You declined", hint: "Start again" } });
    render(AccountScreen);
    await fireEvent.click(await screen.findByTestId("sign-in"));
    const card = await screen.findByTestId("error");
    expect(card.dataset.code).toBe("sign_in_declined");
    await waitFor(() => expect((screen.getByTestId("sign-in") as HTMLButtonElement).disabled).toBe(false));
  });

  it("says in the confirmation what a revoke ends and what it does not, and the order to follow", async () => {
    await signedIn();
    await fireEvent.click(screen.getByTestId("sign-out-everywhere"));
    const confirm = screen.getByTestId("confirm");
    for (const said of ["refresh token", "up to about an hour", "Continuous Access Evaluation", "are not closed", "Teams, OneDrive and the phone apps"]) {
      expect(confirm.textContent).toContain(said);
    }
    expect(screen.getByTestId("confirm-order").textContent).toContain("sign out everywhere only if the error stays");
    i18n.set("es");
    await waitFor(() => expect(screen.getByTestId("confirm").textContent).toContain("hasta una hora"));
  });

  it("after a revoke that left this app signed in, says what keeps working for a while", async () => {
    commands.signOutEverywhere.mockResolvedValue({ status: "ok", data: { results: [{ user: "megan@contoso.example", outcome: { kind: "revoked" } }], signed_out_here: false, summary: "Signed out everywhere." } });
    await signedIn();
    await fireEvent.click(screen.getByTestId("sign-out-everywhere"));
    await fireEvent.click(screen.getByTestId("confirm-yes"));
    const wait = await screen.findByTestId("result-wait");
    expect(wait.textContent).toContain("countdown now starts from this moment");
  });

  it("gives the admin-consent link and the ticket text for IT when consent is missing", async () => {
    const url = "https://login.microsoftonline.com/contoso.example/adminconsent?client_id=abc";
    commands.signIn.mockResolvedValue({
      status: "error",
      error: {
        code: "consent_required",
        // Worded by the backend in the user's language (doctor::account::cloud_error).
        message: "Su organización aún no ha dado permiso a Session Doctor (AADSTS65001).",
        hint: "Un administrador de TI lo concede una vez, para todos.",
        action: {
          kind: "admin_consent",
          consent: { url, tenant: "contoso.example", client_id: "abc", permissions: ["openid", "User.Read"], code: 65001 },
          ticket: `Asunto: Consentimiento del administrador para Session Doctor\n- abran ${url}\nPermisos: openid, User.Read.`,
        },
      },
    });
    commands.openPage.mockResolvedValue({ status: "ok", data: null });
    i18n.set("es");
    render(AccountScreen);
    await fireEvent.click(await screen.findByTestId("sign-in"));
    const card = await screen.findByTestId("error");
    expect(card.textContent).toContain("Su organización aún no ha dado permiso");
    expect(screen.getByTestId("admin-consent-url").textContent).toBe(url);
    const ticket = (screen.getByTestId("admin-consent-ticket") as HTMLTextAreaElement).value;
    expect(ticket).toContain(url);
    expect(ticket).toContain("openid, User.Read");
    expect(ticket).toContain("Consentimiento del administrador");
    await fireEvent.click(screen.getByTestId("admin-consent-open"));
    expect(commands.openPage).toHaveBeenCalledWith(url);
  });

  it("offers the browser sign-in when the organisation blocks the code sign-in", async () => {
    commands.startDeviceCode.mockResolvedValue({
      status: "error",
      error: { code: "device_code_blocked", message: "Your organisation blocks signing in with a code (device code flow).", hint: "Use the browser sign-in instead.", action: { kind: "browser_sign_in" } },
    });
    render(AccountScreen);
    await fireEvent.click(await screen.findByTestId("device-code"));
    const card = await screen.findByTestId("error");
    expect(card.textContent).toContain("blocks signing in with a code");
    await fireEvent.click(await screen.findByTestId("browser-sign-in"));
    await screen.findByTestId("signed-in-as");
    expect(commands.signIn).toHaveBeenCalled();
  });
});
