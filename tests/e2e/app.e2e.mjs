// End to end: the real app binary in a real window (Xvfb), driven over WebDriver through
// tauri-driver and WebKitWebDriver. Run by `make e2e` (which builds the app first).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, existsSync, mkdtempSync, rmSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { remote } from "webdriverio";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const app = process.env.SESSION_DOCTOR_BIN ?? resolve(root, "target/debug/session-doctor");
const shots = resolve(root, "target/e2e");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(shots, { recursive: true });

let driver;
let port;
// The app runs with a throw-away home: its logs, WebKit data and anything a desktop service
// (a keyring daemon) creates land there, never in the developer's own home.
const home = mkdtempSync(resolve(tmpdir(), "session-doctor-e2e-home-"));
const appEnv = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: resolve(home, ".config"),
  XDG_DATA_HOME: resolve(home, ".local/share"),
  XDG_CACHE_HOME: resolve(home, ".cache"),
  XDG_STATE_HOME: resolve(home, ".local/state"),
  // WebKitWebDriver's screenshots wait for a composited frame; with the app's default
  // software painting on Linux (src-tauri/src/rendering.rs) they never come. The DOM,
  // layout and styles under test are the same either way.
  SESSION_DOCTOR_GPU: "1",
  // The help-desk flow: reports go to this folder without a save dialog (the IT preset),
  // and the demo tenant fails the middle batch of the first bulk sign-out once.
  SESSION_DOCTOR_REPORT_DIR: resolve(home, "reports"),
  SESSION_DOCTOR_DEMO_FLAKY_BATCH: "1",
};
mkdirSync(appEnv.SESSION_DOCTOR_REPORT_DIR, { recursive: true });

function running(pattern) {
  try {
    execFileSync("pgrep", ["-f", pattern], { stdio: "ignore" });
    return true;
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

/** Waits until the previous session's app is gone: the single-instance plugin would hand a
 *  new launch to an instance still shutting down, and the new session would never start. */
async function waitForAppExit(ms = 15000) {
  const end = Date.now() + ms;
  // The exact binary, with or without arguments; not session-doctor-cli and the like.
  const pattern = `^${app.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( |$)`;
  while (Date.now() < end) {
    if (!running(pattern) && !singleInstanceNameOwned()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the previous app instance did not exit");
}

/** The single-instance plugin owns this D-Bus name while an instance lives; the bus may
 *  release it a moment after the process is gone. */
function singleInstanceNameOwned() {
  try {
    const out = execFileSync(
      "dbus-send",
      ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner", "string:app.sessiondoctor.desktop.SingleInstance"],
      { encoding: "utf8" },
    );
    return /boolean true/.test(out);
  } catch {
    return false; // no session bus: the plugin cannot hold a name either
  }
}

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on("error", fail);
  });
}

async function waitForPort(p, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const open = await new Promise((ok) => {
      const s = net.connect(p, "127.0.0.1", () => { s.end(); ok(true); });
      s.on("error", () => ok(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${p} within ${ms} ms`);
}

before(async () => {
  assert.ok(existsSync(app), `app binary missing at ${app}: run make e2e`);
  port = await freePort();
  const nativePort = await freePort();
  driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: appEnv,
  });
  await waitForPort(port, 15000);
});

after(() => {
  driver?.kill();
  rmSync(home, { recursive: true, force: true });
});

async function launch(args = []) {
  await waitForAppExit();
  const started = performance.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      browserName: "wry",
      "tauri:options": { application: app, args },
    },
  });
  const start = await browser.$('[data-testid="start"]');
  await start.waitForDisplayed({ timeout: 20000 });
  const firstPaintMs = Math.round(performance.now() - started);
  return { browser, firstPaintMs };
}

async function shot(browser, name) {
  await browser.saveScreenshot(resolve(shots, `${name}.png`));
}

/** Runs axe-core in the page (injected once; the app never reloads) against WCAG 2.1 A and
 *  AA and returns the violations, one short line each. */
async function axe(browser) {
  const loaded = await browser.execute(() => typeof window.axe === "object");
  if (!loaded) await browser.execute(`${axeSource}; return true;`);
  return browser.executeAsync((done) => {
    window.axe
      .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
      .then((r) => done(r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 4).join(", ")}`)))
      .catch((e) => done([`axe failed: ${e}`]));
  });
}

/** The guided fix's current screen. */
async function wizardScreen(browser) {
  const w = await browser.$('[data-testid="wizard"]');
  return (await w.isExisting()) ? w.getAttribute("data-screen") : null;
}

/** Clicks the wizard's default button and waits for the `expected` screen. WebKitWebDriver
 *  sometimes loses a click that lands while the previous screen is being replaced; one more
 *  click is tried then (and logged), never more. */
async function wizardNext(browser, expected) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const next = await browser.$('[data-testid="wizard-next"]');
    await next.waitForEnabled({ timeout: 20000 });
    await next.click();
    try {
      await browser.waitUntil(async () => (await wizardScreen(browser)) === expected, { timeout: attempt === 0 ? 4000 : 20000 });
      return;
    } catch {
      console.log(`e2e: the click on ${await wizardScreen(browser)} did not reach ${expected} (attempt ${attempt + 1})`);
    }
  }
  await shot(browser, `failed-wizard-${expected}`);
  throw new Error(`the guided fix did not reach ${expected}: it is on ${await wizardScreen(browser)}`);
}

/** Walks every stage from the current step with "I did this", answering "still there" at
 *  each check, to the IT route; a screenshot of each step. Returns the step ids per stage. */
async function walkWizard(browser, prefix, { count = null } = {}) {
  const stages = [[]];
  for (let i = 0; i < 40; i++) {
    const screen = await wizardScreen(browser);
    if (screen === "it_route") break;
    if (screen === "verify") {
      await browser.$('[data-testid="wizard-no"]').click();
      await browser.waitUntil(async () => (await wizardScreen(browser)) !== "verify", { timeout: 20000 });
      if ((await wizardScreen(browser)) === "step") stages.push([]);
      continue;
    }
    const step = await browser.$('[data-testid="wizard-step"]');
    const id = await step.getAttribute("data-step");
    stages[stages.length - 1].push(id);
    // The Connection Status step takes the count the user read off Outlook's dialog.
    if (id === "connection_status" && count !== null) {
      await browser.$('[data-testid="connection-count"]').setValue(String(count));
    }
    await shot(browser, `${prefix}-${String(i + 1).padStart(2, "0")}-${id}`);
    await browser.$('[data-testid="wizard-next"]').click();
    await browser.waitUntil(
      async () => (await wizardScreen(browser)) !== "step" || (await step.getAttribute("data-step")) !== id,
      { timeout: 10000, timeoutMsg: `"I did this" did not leave step ${id}` },
    );
  }
  await browser.$('[data-testid="wizard-it-route"]').waitForDisplayed({ timeout: 10000 });
  return stages;
}

test("Start runs the backend check, shows its answer and scans this computer", async () => {
  const { browser, firstPaintMs } = await launch();
  try {
    console.log(`e2e: launch -> welcome screen shown: ${firstPaintMs} ms`);
    const heading = await browser.$("h1").getText();
    assert.match(heading, /exceeded the maximum number of allowed sessions/);
    await shot(browser, "01-welcome");
    await browser.$('[data-testid="start"]').click();
    const summary = await browser.$('[data-testid="summary"]');
    await summary.waitForDisplayed({ timeout: 15000 });
    assert.match(await summary.getText(), /^Ready to check /);
    // Start opens the guided fix; the scan's details are on This computer.
    await browser.$('[data-testid="wizard"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="tab-computer"]').click();
    // The live scan of this (Linux) machine finishes; every source row ends in a final state.
    await browser.waitUntil(
      async () => /Scan finished/.test(await browser.$('[data-testid="scan-status"]').getText()),
      { timeout: 20000, timeoutMsg: "the live scan never finished" },
    );
    const states = await browser.$$('[data-testid="sources"] li').map((li) => li.getAttribute("data-state"));
    assert.ok(states.length >= 10, `one row per source, got ${states.length}`);
    assert.ok(states.every((s) => ["ok", "skipped", "failed"].includes(s)), states.join(","));
    await shot(browser, "02-scan-live");
  } finally {
    await browser.deleteSession();
  }
});

test("Try the demo reaches the simulated tenant over HTTP", async () => {
  const { browser } = await launch();
  try {
    await browser.$('[data-testid="demo-toggle"]').click();
    await browser.$('[data-testid="demo-badge"]').waitForDisplayed({ timeout: 15000 });
    await browser.$('[data-testid="start"]').click();
    await browser.waitUntil(
      async () => /Contoso \(simulated\)/.test(await browser.$('[data-testid="summary"]').getText()),
      { timeout: 15000, timeoutMsg: "the demo tenant's answer never appeared" },
    );
  } finally {
    await browser.deleteSession();
  }
});

test("--demo opens in demo mode and the scan shows the messy simulated PC", async () => {
  const { browser } = await launch(["--demo"]);
  try {
    await browser.$('[data-testid="demo-badge"]').waitForDisplayed({ timeout: 15000 });
    assert.equal(await browser.$('[data-testid="demo-toggle"]').getText(), "Leave the demo");
    await browser.$('[data-testid="start"]').click();
    await browser.$('[data-testid="tab-computer"]').click();
    await browser.$('[data-testid="group-outlook"]').waitForDisplayed({ timeout: 20000 });
    const outlook = await browser.$('[data-testid="group-outlook"]').getText();
    assert.match(outlook, /open 2 times/);
    const profiles = await browser.$('[data-testid="group-profiles"]').getText();
    assert.match(profiles, /same account as/);
    const addins = await browser.$('[data-testid="group-addins"]').getText();
    assert.match(addins, /opens its own connections/);
    const others = await browser.$('[data-testid="group-others"]').getText();
    assert.match(others, /Thunderbird/);
    // The session map: the mailbox in the middle and what this PC holds. The demo mailbox is
    // in Exchange Online, where Microsoft publishes no MAPI number: no "N of 32" claimed.
    await browser.$('[data-testid="map-count"]').waitForDisplayed({ timeout: 10000 });
    assert.match(await browser.$('[data-testid="map-count"]').getText(), /^\d+ from this PC$/);
    assert.match(await browser.$('[data-testid="map-limit"]').getText(), /publishes no number/);
    await shot(browser, "03-scan-demo");

    // A repair: remove the duplicate profile (previewed, confirmed, journaled), see it gone
    // in the re-scan, then undo it and see it back.
    await browser.$('[data-action="remove_profile"]').click();
    await browser.$('[data-testid="action-confirm"]').waitForDisplayed({ timeout: 10000 });
    await shot(browser, "03b-action-preview");
    await browser.$('[data-testid="action-yes"]').click();
    await browser.$('[data-testid="journal"]').waitForDisplayed({ timeout: 15000 });
    await browser.waitUntil(
      async () => !/same account as/.test(await browser.$('[data-testid="group-profiles"]').getText()),
      { timeout: 15000, timeoutMsg: "the duplicate profile is still there after the repair" },
    );
    // Verify: the before/now view shows the repair worked.
    const beforeNow = await browser.$('[data-measure="duplicates"]');
    await beforeNow.waitForDisplayed({ timeout: 10000 });
    assert.match(await beforeNow.getText(), /2 → 0/);
    await shot(browser, "03c-after-repair");
    await browser.$('[data-testid="undo"]').click();
    await browser.waitUntil(
      async () => /same account as/.test(await browser.$('[data-testid="group-profiles"]').getText()),
      { timeout: 15000, timeoutMsg: "undo did not bring the duplicate profile back" },
    );

    // Close the second (simulated) Outlook: "Outlook windows 2 → 1".
    await browser.$('[data-action="close_client"]').click();
    await browser.$('[data-testid="action-yes"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="action-yes"]').click();
    const outlookWindows = await browser.$('[data-measure="outlook"]');
    await outlookWindows.waitForDisplayed({ timeout: 15000 });
    assert.match(await outlookWindows.getText(), /2 → 1/);
    await shot(browser, "03d-outlook-closed");

    // The add-in check: turn half off, answer, find the culprit, turn everything back on.
    await browser.$('[data-testid="bisect-start"]').click();
    await browser.$('[data-testid="bisect-round"]').waitForDisplayed({ timeout: 15000 });
    await shot(browser, "03e-addin-check");
    await browser.$('[data-testid="bisect-no"]').click();
    await browser.$('[data-testid="bisect-found"]').waitForDisplayed({ timeout: 15000 });
    await browser.$('[data-testid="bisect-restore"]').click();
    await browser.$('[data-testid="bisect-done"]').waitForDisplayed({ timeout: 15000 });
    assert.match(await browser.$('[data-testid="bisect-done"]').getText(), /every add-in is back on/);

    // Your account: sign in as the demo admin through the simulated Microsoft page, see the
    // tenant's devices and sign-ins, then sign out everywhere after the confirmation.
    await browser.$('[data-testid="tab-account"]').click();
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 10000 });
    // The first demo user is the admin; ask for admin permissions to read the sign-ins.
    await browser.$('input[type="checkbox"]').click();
    await browser.$('[data-testid="sign-in"]').click();
    const devices = await browser.$('[data-testid="devices"]');
    await devices.waitForDisplayed({ timeout: 20000 });
    assert.match(await devices.getText(), /Devices \(6\)/);
    assert.match(await browser.$('[data-testid="sign-ins"]').getText(), /Recent sign-ins \(40\)/);
    await shot(browser, "06-account");
    await browser.$('[data-testid="sign-out-everywhere"]').click();
    await browser.$('[data-testid="confirm"]').waitForDisplayed({ timeout: 5000 });
    await shot(browser, "07-confirm-sign-out");
    await browser.$('[data-testid="confirm-yes"]').click();
    const signedOut = await browser.$('[data-testid="sign-out-result"]');
    await signedOut.waitForDisplayed({ timeout: 20000 });
    assert.match(await signedOut.getText(), /including here/);
    await signedOut.scrollIntoView();
    await shot(browser, "08-signed-out");

    await browser.$('[data-testid="tab-decoder"]').click();
    await browser.$('[data-testid="decoder-input"]').setValue("Outlook ha superado el número máximo de sesiones permitidas");
    await browser.$('[data-testid="decoder-explain"]').click();
    const result = await browser.$('[data-testid="decoder-result"]');
    await result.waitForDisplayed({ timeout: 10000 });
    assert.equal(await result.getAttribute("data-limit"), "allowed_sessions");
    await shot(browser, "04-decoder");

    // The guided fix, with what the repairs and the sign-in left: the second Outlook was
    // closed above, so that finding is gone; the duplicate profile came back with the undo.
    await browser.$('[data-testid="tab-wizard"]').click();
    await wizardNext(browser, "scan");
    await browser.$('[data-testid="wizard-summary"]').waitForDisplayed({ timeout: 20000 });
    assert.ok(!(await browser.$('[data-finding="outlook_running_multiple"]').isExisting()));
    assert.ok(await browser.$('[data-finding="duplicate_profiles"]').isExisting());
    assert.ok(await browser.$('[data-finding="other_devices"]').isExisting());
    await wizardNext(browser, "track");
    await wizardNext(browser, "step");
    await shot(browser, "05-plan");
    // The triage question first: "the web works" brings restarting Outlook here forward
    // (the backend orders it from the saved answer); "it fails too" puts it back.
    const triage = await browser.$('[data-testid="wizard-step"]');
    assert.equal(await triage.getAttribute("data-step"), "owa_triage");
    await browser.$('[data-testid="triage-yes"]').click();
    await browser.$('[data-testid="triage-answer"]').waitForDisplayed({ timeout: 10000 });
    assert.match(await browser.$('[data-testid="triage-answer"]').getText(), /on this PC or in classic Outlook/);
    await shot(browser, "05-triage-web-works");
    await browser.$('[data-testid="wizard-next"]').click();
    await browser.waitUntil(async () => (await browser.$('[data-testid="wizard-step"]').getAttribute("data-step")) === "restart_outlook_here", {
      timeout: 10000, timeoutMsg: "restarting Outlook did not come right after 'the web works'",
    });
    await browser.$('[data-testid="wizard-back"]').click();
    await browser.waitUntil(async () => (await browser.$('[data-testid="wizard-step"]').getAttribute("data-step")) === "owa_triage", { timeout: 10000 });
    await browser.$('[data-testid="triage-no"]').click();
    await browser.waitUntil(async () => /whole account/.test(await browser.$('[data-testid="triage-answer"]').getText()), { timeout: 10000 });
    // Every stage of the work track, the error "still there" after each: the first seed's
    // steps (and the two from research), found ones first inside their stage, then the IT route.
    const stages = await walkWizard(browser, "05-work", { count: 7 });
    assert.deepEqual(stages.map((st) => [...st].sort()), [
      ["close_other_devices", "owa_triage", "restart_outlook_here", "review_sessions", "sign_out_everywhere", "sign_out_web"],
      ["addins_safe_mode", "connection_status", "duplicate_profiles", "other_mail_apps", "phone_app_background"],
      ["it_help_desk"],
    ]);
    assert.equal(stages[0][0], "owa_triage");
    // The duplicate profile is found on this PC: first in its stage.
    assert.equal(stages[1][0], "duplicate_profiles");
    assert.match(await browser.$('[data-testid="methods"]').getText(), /methods compared/i);
    // The user's answers reach the report for IT, named as theirs.
    await browser.$('[data-testid="report-preview"]').click();
    const ticket = await browser.$('[data-testid="report-ticket"]');
    await ticket.waitForDisplayed({ timeout: 10000 });
    const text = await ticket.getText();
    assert.match(text, /Connection Status \(the user's answer\): 7 connections counted/);
    assert.match(text, /Outlook on the web \(the user's answer\): fails too/);
    await shot(browser, "05-work-it-route");
  } finally {
    await browser.deleteSession();
  }
});

test("the personal (Outlook.com) flow: sign in, sign out everywhere by the account page, every step", async () => {
  const { browser } = await launch(["--demo"]);
  try {
    await browser.$('[data-testid="start"]').click();
    await browser.$('[data-testid="tab-account"]').waitForDisplayed({ timeout: 15000 });
    await browser.$('[data-testid="tab-account"]').click();
    await browser.$('input[value="sam.taylor@outlook.com"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('input[value="sam.taylor@outlook.com"]').click();
    await browser.$('[data-testid="sign-in"]').click();
    const who = await browser.$('[data-testid="signed-in-as"]');
    await who.waitForDisplayed({ timeout: 20000 });
    assert.match(await who.getText(), /sam\.taylor@outlook\.com/);
    assert.match(await who.getText(), /personal/i);
    // No API lists a personal account's devices: no misleading "Devices (0)", a pointer instead.
    await browser.$('[data-testid="notes"]').waitForDisplayed({ timeout: 10000 });
    assert.ok(!(await browser.$('[data-testid="devices"]').isExisting()));
    await shot(browser, "10-personal-account");
    await browser.$('[data-testid="sign-out-everywhere"]').click();
    const confirm = await browser.$('[data-testid="confirm"]');
    await confirm.waitForDisplayed({ timeout: 5000 });
    assert.match(await confirm.getText(), /24 hours/);
    await shot(browser, "11-personal-confirm");
    await browser.$('[data-testid="confirm-yes"]').click();
    const result = await browser.$('[data-testid="sign-out-result"]');
    await result.waitForDisplayed({ timeout: 20000 });
    // No API for personal accounts: the exact page and what to press on it.
    assert.match(await result.getText(), /Sign me out|sign out/i);
    await result.scrollIntoView();
    await shot(browser, "12-personal-sign-out-route");

    // The guided fix guesses the personal track from the signed-in account.
    await browser.$('[data-testid="tab-wizard"]').click();
    await wizardNext(browser, "scan");
    await wizardNext(browser, "track");
    assert.ok(await browser.$('[data-testid="wizard-track-personal"]').isSelected(), "the personal track is the guess");
    await wizardNext(browser, "step");
    const stages = await walkWizard(browser, "13-personal");
    // The second seed's steps, then its common problems.
    assert.deepEqual(stages.map((st) => [...st].sort()), [
      ["personal_change_password", "personal_remove_devices", "personal_remove_phone_app", "personal_remove_windows_mail",
        "personal_sign_out_browser", "personal_sign_out_everywhere", "restart_outlook_here_personal"],
      ["personal_clear_app_data", "personal_clear_browsing_data"],
    ]);
    await shot(browser, "13-personal-it-route");
  } finally {
    await browser.deleteSession();
  }
});

test("axe-core finds no WCAG A/AA violations on any screen, light and dark", async () => {
  const { browser } = await launch(["--demo"]);
  const problems = [];
  // The dark pass is in Spanish: every screen, with no phrase of the English catalog on it.
  const phrases = englishPhrases();
  let spanish = false;
  const check = async (screenName) => {
    for (const v of await axe(browser)) problems.push(`${screenName}: ${v}`);
    if (!spanish) return;
    // The whole screen, the help-desk report's preview (headline and ticket) included: the
    // report is written in the user's language too.
    const text = await screenText(browser);
    for (const [key, p] of phrases) if (text.includes(p)) problems.push(`${screenName}/es: English "${p}" (${key})`);
  };
  try {
    for (const scheme of ["light", "dark"]) {
      spanish = scheme === "dark";
      await browser.$('[data-testid="language"]').selectByAttribute("value", spanish ? "es" : "en");
      await browser.$('[data-testid="theme"]').selectByAttribute("value", scheme);
      await browser.waitUntil(async () => (await browser.$("html").getAttribute("data-theme")) === scheme, { timeout: 5000 });
      if (await browser.$('[data-testid="start"]').isExisting()) {
        await check(`welcome/${scheme}`);
        await shot(browser, `20-welcome-${scheme}`);
        await browser.$('[data-testid="start"]').click();
      }
      // Every screen of the guided fix, from the start.
      await browser.$('[data-testid="tab-wizard"]').click();
      if (await browser.$('[data-testid="wizard-start-over"]').isExisting()) await browser.$('[data-testid="wizard-start-over"]').click();
      for (const [screenName, after] of [["message", "scan"], ["scan", "track"], ["track", "step"]]) {
        await browser.waitUntil(async () => (await wizardScreen(browser)) === screenName, { timeout: 20000 });
        if (screenName === "scan") await browser.$('[data-testid="wizard-summary"]').waitForDisplayed({ timeout: 20000 });
        await check(`wizard-${screenName}/${scheme}`);
        await shot(browser, `2${scheme === "light" ? 0 : 1}-wizard-${screenName}-${scheme}`);
        await wizardNext(browser, after);
      }
      await check(`wizard-step/${scheme}`);
      while ((await wizardScreen(browser)) === "step") await browser.$('[data-testid="wizard-next"]').click();
      await check(`wizard-verify/${scheme}`);
      await browser.$('[data-testid="wizard-yes"]').click();
      await browser.$('[data-testid="wizard-finished"]').waitForDisplayed({ timeout: 10000 });
      await check(`wizard-finished/${scheme}`);
      await browser.$('[data-testid="tab-computer"]').click();
      await browser.$('[data-testid="group-outlook"]').waitForDisplayed({ timeout: 20000 });
      await check(`computer/${scheme}`);
      await shot(browser, `21-computer-${scheme}`);
      await browser.$('[data-testid="tab-account"]').click();
      await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 10000 });
      await check(`account/${scheme}`);
      await shot(browser, `22-account-${scheme}`);
      await browser.$('[data-testid="tab-decoder"]').click();
      await browser.$('[data-testid="decoder-input"]').setValue("event 9646 exceeded the maximum of 32 objects of type session");
      await browser.$('[data-testid="decoder-explain"]').click();
      await browser.$('[data-testid="decoder-result"]').waitForDisplayed({ timeout: 10000 });
      await check(`decoder/${scheme}`);
      await shot(browser, `23-decoder-${scheme}`);
      await browser.$('[data-testid="tab-helpdesk"]').click();
      await browser.$('[data-testid="report-panel"]').waitForDisplayed({ timeout: 10000 });
      await browser.$('[data-testid="report-preview"]').click();
      await browser.$('[data-testid="report-ticket"]').waitForDisplayed({ timeout: 10000 });
      await check(`helpdesk/${scheme}`);
      await shot(browser, `25-helpdesk-${scheme}`);
    }
    // The language is remembered across launches: the next tests find their English words.
    await browser.$('[data-testid="language"]').selectByAttribute("value", "en");
    assert.deepEqual(problems, []);
  } finally {
    await browser.deleteSession();
  }
});

test("help desk: a redacted report, then admin mode signs 45 users out in 3 batches and retries the failed ones", async () => {
  const { browser } = await launch(["--demo"]);
  try {
    await browser.$('[data-testid="start"]').click();
    await browser.$('[data-testid="tab-computer"]').click();
    await browser.$('[data-testid="group-outlook"]').waitForDisplayed({ timeout: 20000 });
    // Sign in as the demo admin, asking for the admin permissions.
    await browser.$('[data-testid="tab-account"]').click();
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('input[type="checkbox"]').click();
    await browser.$('[data-testid="sign-in"]').click();
    await browser.$('[data-testid="devices"]').waitForDisplayed({ timeout: 20000 });

    await browser.$('[data-testid="tab-helpdesk"]').click();
    await browser.$('[data-testid="report-panel"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="report-save"]').click();
    const saved = await browser.$('[data-testid="report-saved"]');
    await saved.waitForDisplayed({ timeout: 15000 });
    const path = await saved.getAttribute("data-path");
    assert.ok(path.startsWith(appEnv.SESSION_DOCTOR_REPORT_DIR), path);
    const html = readFileSync(path, "utf8");
    for (const personal of ["megan.bowen@contoso.example", "Megan Bowen", "MEGAN-LAPTOP"]) {
      assert.ok(!html.includes(personal), `${personal} is in the redacted report`);
    }
    assert.match(html, /Revoke-MgUserSignInSession -UserId &#39;user-1@domain-1&#39;/);
    await browser.$('[data-testid="report-preview"]').click();
    await browser.$('[data-testid="report-ticket"]').waitForDisplayed({ timeout: 10000 });
    await shot(browser, "30-helpdesk-report");

    // Admin mode: find the 45 demo users, sign them all out.
    await browser.$('[data-testid="admin-open"]').click();
    await browser.$('[data-testid="admin-who"]').waitForDisplayed({ timeout: 15000 });
    await browser.$('[data-testid="admin-query"]').setValue("user");
    await browser.$('[data-testid="admin-search"]').click();
    await browser.$('[data-testid="admin-found"]').waitForDisplayed({ timeout: 15000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="admin-found"] li input').length) === 45, {
      timeout: 10000,
      timeoutMsg: "the search did not list the 45 demo users",
    });
    await browser.$("button=Choose all found").click();
    assert.match(await browser.$('[data-testid="admin-chosen-count"]').getText(), /45 users chosen/);
    await browser.$('[data-testid="admin-revoke"]').click();
    await browser.$('[data-testid="admin-confirm"]').waitForDisplayed({ timeout: 5000 });
    await shot(browser, "31-admin-confirm");
    await browser.$('[data-testid="admin-confirm-yes"]').click();
    const summary = await browser.$('[data-testid="admin-summary"]');
    await summary.waitForDisplayed({ timeout: 30000 });
    // The middle batch (20 users) failed with 503; the other 25 are signed out.
    assert.match(await summary.getText(), /25 of 45 signed out; 20 failed/);
    assert.equal((await browser.$$('[data-testid="admin-results"] tr[data-outcome="failed"]')).length, 20);
    await browser.$('[data-testid="admin-retry"]').scrollIntoView();
    await shot(browser, "32-admin-partial");
    await browser.$('[data-testid="admin-retry"]').click();
    await browser.waitUntil(async () => /45 of 45 signed out; 0 failed/.test(await summary.getText()), {
      timeout: 30000,
      timeoutMsg: "the retry did not finish the failed ones",
    });
    assert.equal((await browser.$$('[data-testid="admin-results"] tr[data-outcome="revoked"]')).length, 45);
    assert.ok(!(await browser.$('[data-testid="admin-retry"]').isExisting()));
    await summary.scrollIntoView();
    await shot(browser, "33-admin-done");

    // The saved HTML report itself, opened in the real window.
    await browser.url(`file://${path}`);
    await browser.$("h1").waitForDisplayed({ timeout: 10000 });
    await shot(browser, "34-report-html");
  } finally {
    await browser.deleteSession();
  }
});

const wizardShots = resolve(shots, "wizard");
mkdirSync(wizardShots, { recursive: true });

/** What has the keyboard focus: its test id, else its tag. */
async function focused(browser) {
  return browser.execute(() => {
    const el = document.activeElement;
    return el?.getAttribute("data-testid") ?? el?.tagName ?? null;
  });
}

/** Presses Tab (or Shift+Tab) until `testid` has the focus; fails if it is never reached. */
async function tabTo(browser, testid, back = false) {
  for (let i = 0; i < 30; i++) {
    if ((await focused(browser)) === testid) return i;
    // W3C key actions: Shift held down around the Tab, then released.
    const keys = browser.action("key");
    if (back) keys.down("\uE008");
    keys.down("\uE004").up("\uE004");
    if (back) keys.up("\uE008");
    await keys.perform();
  }
  throw new Error(`${testid} is not reachable by ${back ? "Shift+Tab" : "Tab"} (focus: ${await focused(browser)})`);
}

/** The screen's primary button is visible without scrolling in the 1040 x 760 window. */
async function primaryInView(browser, name) {
  const fits = await browser.execute(() => {
    const el = document.querySelector('[data-testid="wizard-next"], [data-testid="wizard-yes"], [data-testid="wizard-finished"], [data-testid="wizard-it-route"], [data-testid="start"]');
    if (!el) return "none";
    const r = el.getBoundingClientRect();
    return r.bottom <= window.innerHeight && r.top >= 0 ? "yes" : `no (${Math.round(r.top)}..${Math.round(r.bottom)} of ${window.innerHeight})`;
  });
  assert.equal(fits, "yes", `${name}: primary button needs scrolling`);
}

/** Presses Enter and waits until the screen (or the step) changes. */
async function enter(browser, name) {
  const before = `${await wizardScreen(browser)}/${await browser.execute(() => document.querySelector('[data-testid="wizard-step"]')?.getAttribute("data-step") ?? "")}`;
  await browser.keys(["Enter"]);
  await browser.waitUntil(
    async () => `${await wizardScreen(browser)}/${await browser.execute(() => document.querySelector('[data-testid="wizard-step"]')?.getAttribute("data-step") ?? "")}` !== before,
    { timeout: 20000, timeoutMsg: `Enter did nothing on ${name} (${before}; focus: ${await focused(browser)})` },
  );
}

/** Waits until the default button of the screen has the focus (the scan screen's once the
 *  scan is done). */
async function defaultFocused(browser, testid, name) {
  await browser.waitUntil(async () => (await focused(browser)) === testid, {
    timeout: 20000,
    timeoutMsg: `${name}: ${testid} never got the focus (focus: ${await focused(browser)})`,
  });
}

/**
 * One walk through the guided fix by keyboard only. `gone`: answer "yes" at the first check
 * (Enter all the way), else "no" at every check (Shift+Tab to it) to the IT route.
 * Returns the step ids walked and the screenshots taken.
 */
/** What a screen says: its visible text and what its folded sections (`<details>`) say when
 * opened, which innerText leaves out. Code shown verbatim (`<pre>`, `<code>`: the PowerShell
 * script IT runs, a command line) is not prose and keeps its own language. */
async function screenText(browser) {
  return browser.execute(() => {
    const folded = [...document.querySelectorAll("details")].map((d) => {
      const copy = d.cloneNode(true);
      copy.querySelectorAll("pre, code").forEach((c) => c.remove());
      return copy.textContent;
    });
    return [document.body.innerText, ...folded].join("\n");
  });
}

/** The English catalog's phrases (three words or more between placeholders) that Spanish does
 * not share: any of them on a Spanish screen is English left behind, whoever built it. */
function englishPhrases() {
  const english = JSON.parse(readFileSync(resolve(root, "i18n/en.json"), "utf8"));
  const spanish = JSON.parse(readFileSync(resolve(root, "i18n/es.json"), "utf8"));
  const out = [];
  for (const [key, text] of Object.entries(english)) {
    text.split(/[{}]/).forEach((piece, i) => {
      if (i % 2 === 1) return;
      const p = piece.replace(/^[\s,.;:()"]+|[\s,.;:()"]+$/g, "");
      if (p.split(/\s+/).length >= 3 && !(spanish[key] ?? "").includes(p)) out.push([key, p]);
    });
  }
  return out;
}

async function keyboardWalk(browser, { lang, track, gone }) {
  const tag = `${lang}-${track}-${gone ? "fixed" : "it"}`;
  let n = 0;
  const violations = [];
  const phrases = lang === "es" ? englishPhrases() : [];
  const snap = async (what) => {
    await primaryInView(browser, `${tag} ${what}`);
    if (phrases.length > 0) {
      const text = await screenText(browser);
      for (const [key, p] of phrases) if (text.includes(p)) violations.push(`${tag} ${what}: English "${p}" (${key})`);
    }
    // Every wizard screen, in both languages: axe-core's WCAG A/AA rules.
    for (const v of await axe(browser)) violations.push(`${tag} ${what}: ${v}`);
    await browser.saveScreenshot(resolve(wizardShots, `${tag}-${String(++n).padStart(2, "0")}-${what}.png`));
  };
  const steps = [];
  await defaultFocused(browser, "wizard-next", `${tag} message`);
  await snap("message");
  await enter(browser, "message");
  await browser.$('[data-testid="wizard-summary"]').waitForDisplayed({ timeout: 20000 });
  await defaultFocused(browser, "wizard-next", `${tag} summary`);
  await snap("summary");
  await enter(browser, "summary");
  assert.equal(await wizardScreen(browser), "track");
  await defaultFocused(browser, "wizard-next", `${tag} track`);
  if (track === "personal") {
    // The radio group by Shift+Tab, the arrow picks personal, Tab back to Continue.
    await tabTo(browser, "wizard-track-work", true);
    await browser.keys(["ArrowDown"]);
    await browser.waitUntil(async () => browser.$('[data-testid="wizard-track-personal"]').isSelected(), { timeout: 5000 });
    await tabTo(browser, "wizard-next");
  }
  await snap("track");
  await enter(browser, "track");
  for (let i = 0; i < 40; i++) {
    const screen = await wizardScreen(browser);
    if (screen === "step") {
      const id = await browser.$('[data-testid="wizard-step"]').getAttribute("data-step");
      steps.push(id);
      await defaultFocused(browser, "wizard-next", `${tag} ${id}`);
      await snap(`step-${id}`);
      await enter(browser, id);
    } else if (screen === "verify") {
      await defaultFocused(browser, "wizard-yes", `${tag} verify`);
      await snap("verify");
      if (!gone) await tabTo(browser, "wizard-no", true);
      await enter(browser, "verify");
    } else break;
  }
  const end = gone ? "finished" : "it_route";
  assert.equal(await wizardScreen(browser), end, `${tag} ended on ${await wizardScreen(browser)}`);
  await snap(end);
  // The folded comparison of the ways out, opened, in the walk's language.
  const fold = gone ? "tips" : "methods";
  if (await browser.$(`[data-testid="${fold}"] summary`).isExisting()) {
    await browser.$(`[data-testid="${fold}"] summary`).click();
    await snap(`${end}-${fold}-open`);
  }
  assert.deepEqual(violations, []);
  return { steps, shots: n };
}

test("the guided fix by keyboard only: both tracks, both languages, Enter from the welcome screen to done", async () => {
  const { browser } = await launch(["--demo"]);
  const english = JSON.parse(readFileSync(resolve(root, "i18n/en.json"), "utf8"));
  try {
    await browser.$('[data-testid="demo-badge"]').waitForDisplayed({ timeout: 15000 });
    // Enter on whatever has focus, again and again: Start, then every default button.
    await defaultFocused(browser, "start", "welcome");
    await browser.keys(["Enter"]);
    await browser.$('[data-testid="wizard"]').waitForDisplayed({ timeout: 20000 });
    const work = await keyboardWalk(browser, { lang: "en", track: "work", gone: true });
    // Every main step of the work track, found ones first.
    assert.deepEqual([...work.steps].sort(), ["close_other_devices", "owa_triage", "restart_outlook_here", "review_sessions", "sign_out_everywhere", "sign_out_web"]);

    const walks = [
      { lang: "en", track: "personal", gone: false },
      { lang: "es", track: "work", gone: false },
      { lang: "es", track: "personal", gone: true },
    ];
    for (const walk of walks) {
      await browser.$('[data-testid="language"]').selectByAttribute("value", walk.lang);
      // Start over by keyboard: Tab to it from the end screen's focused heading.
      await tabTo(browser, "wizard-start-over");
      await browser.keys(["Enter"]);
      await browser.waitUntil(async () => (await wizardScreen(browser)) === "message", { timeout: 10000 });
      const done = await keyboardWalk(browser, walk);
      if (walk.track === "work" && !walk.gone) assert.ok(done.steps.includes("it_help_desk") && done.steps.length === 12, done.steps.join(","));
      if (walk.track === "personal" && !walk.gone) assert.equal(done.steps.length, 9, done.steps.join(","));
      if (walk.lang === "es") {
        // No sentence of the English wizard catalog on a Spanish screen.
        const text = await browser.$('[data-testid="wizard"]').getText();
        const leaked = Object.entries(english)
          .filter(([k, v]) => k.startsWith("wizard.") && !v.includes("{") && v.length > 12 && text.includes(v))
          .map(([k]) => k);
        assert.deepEqual(leaked, []);
      }
    }
    await browser.$('[data-testid="language"]').selectByAttribute("value", "en");
  } finally {
    await browser.deleteSession();
  }
});

test("every file the app wrote under its home is private and holds no token", async () => {
  await waitForAppExit();
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = resolve(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) files.push(p);
    }
  };
  walk(home);
  // The app's log, WebKit's storage and the saved reports, at least.
  assert.ok(files.some((f) => f.includes("/logs/")), `no log file among ${files.length} files`);
  assert.ok(files.some((f) => f.endsWith(".html")), "no saved report");
  const problems = [];
  for (const f of files) {
    const mode = statSync(f).mode & 0o777;
    if (mode & 0o077) problems.push(`${f} is ${mode.toString(8)}`);
    const text = readFileSync(f).toString("latin1");
    if (/sbx-(at|rt)\.\d+\./.test(text)) problems.push(`${f} holds a token`);
  }
  assert.deepEqual(problems, []);
});
