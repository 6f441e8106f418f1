// End to end: the real app binary in a real window (Xvfb), driven over WebDriver through
// tauri-driver and WebKitWebDriver. Run by `make e2e` (which builds the app first).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, existsSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { remote } from "webdriverio";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const app = process.env.SESSION_DOCTOR_BIN ?? resolve(root, "target/debug/session-doctor");
const shots = resolve(root, "target/e2e");
mkdirSync(shots, { recursive: true });

let driver;
let port;

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
  });
  await waitForPort(port, 15000);
});

after(() => {
  driver?.kill();
});

async function launch(args = []) {
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

test("Start runs the backend check and shows its answer", async () => {
  const { browser, firstPaintMs } = await launch();
  try {
    console.log(`e2e: launch -> welcome screen shown: ${firstPaintMs} ms`);
    const heading = await browser.$("h1").getText();
    assert.match(heading, /exceeded the maximum number of allowed sessions/);
    await browser.$('[data-testid="start"]').click();
    const summary = await browser.$('[data-testid="summary"]');
    await summary.waitForDisplayed({ timeout: 15000 });
    assert.match(await summary.getText(), /^Ready to check /);
    await browser.saveScreenshot(resolve(shots, "welcome-live.png"));

    // "Try the demo" starts the simulated tenant; Start then reaches it over HTTP.
    await browser.$('[data-testid="demo-toggle"]').click();
    await browser.$('[data-testid="demo-badge"]').waitForDisplayed({ timeout: 15000 });
    await browser.$('[data-testid="start"]').click();
    await browser.waitUntil(
      async () => /Contoso \(simulated\)/.test(await browser.$('[data-testid="summary"]').getText()),
      { timeout: 15000, timeoutMsg: "the demo tenant's answer never appeared" },
    );
    await browser.saveScreenshot(resolve(shots, "welcome-demo.png"));
  } finally {
    await browser.deleteSession();
  }
});

test("--demo opens the app in demo mode", async () => {
  const { browser } = await launch(["--demo"]);
  try {
    await browser.$('[data-testid="demo-badge"]').waitForDisplayed({ timeout: 15000 });
    assert.equal(await browser.$('[data-testid="demo-toggle"]').getText(), "Leave the demo");
  } finally {
    await browser.deleteSession();
  }
});
