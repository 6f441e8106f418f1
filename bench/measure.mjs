// Side-by-side launch and memory figures for Session Doctor and the hello-world Tauri
// baseline, through the same WebDriver path (tauri-driver + WebKitWebDriver) for both, so
// the driver's own overhead cancels out in the comparison. Run by scripts/bench.sh.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const req = createRequire(resolve(root, "tests/e2e/package.json"));
const { remote } = await import(req.resolve("webdriverio"));

const [appBin, helloBin, outFile] = process.argv.slice(2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const home = mkdtempSync(resolve(tmpdir(), "session-doctor-bench-home-"));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: `${home}/.config`, XDG_DATA_HOME: `${home}/.local/share`, XDG_CACHE_HOME: `${home}/.cache` };

const freePort = () => new Promise((ok, fail) => {
  const s = net.createServer();
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  s.on("error", fail);
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(p) {
  for (let i = 0; i < 150; i++) {
    const open = await new Promise((ok) => {
      const s = net.connect(p, "127.0.0.1", () => { s.end(); ok(true); });
      s.on("error", () => ok(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error("tauri-driver did not start");
}

function pidsOf(bin) {
  try {
    return execFileSync("pgrep", ["-f", `^${bin}( |$)`], { encoding: "utf8" }).trim().split("\n").map(Number);
  } catch {
    return [];
  }
}

/** The process and all its descendants (WebKit's web and network processes included). */
function tree(pid) {
  const out = [pid];
  for (const task of safeList(`/proc/${pid}/task`)) {
    const kids = safeRead(`/proc/${pid}/task/${task}/children`).trim();
    for (const k of kids ? kids.split(/\s+/).map(Number) : []) out.push(...tree(k));
  }
  return out;
}
const safeList = (d) => { try { return readdirSync(d); } catch { return []; } };
const safeRead = (f) => { try { return readFileSync(f, "utf8"); } catch { return ""; } };

/** RSS and PSS of the whole process tree, in MiB. */
function memory(bin) {
  let rss = 0, pss = 0;
  const by = {};
  for (const top of pidsOf(bin)) {
    for (const p of tree(top)) {
      const rollup = safeRead(`/proc/${p}/smaps_rollup`);
      const r = Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      const q = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      rss += r;
      pss += q;
      const name = safeRead(`/proc/${p}/comm`).trim() || String(p);
      by[name] = Math.round(((by[name] ?? 0) + q / 1024) * 10) / 10;
    }
  }
  return { rss: rss / 1024, pss: pss / 1024, by };
}

async function waitGone(bin) {
  for (let i = 0; i < 150 && pidsOf(bin).length > 0; i++) await sleep(100);
  await sleep(300); // the single-instance D-Bus name is released a moment later
}

const port = await freePort();
const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(await freePort())], { stdio: "ignore", env });
await waitForPort(port);

async function session(bin, args, work) {
  await waitGone(bin);
  const t0 = performance.now();
  const browser = await remote({
    hostname: "127.0.0.1", port, logLevel: "error",
    capabilities: { "wdio:enforceWebDriverClassic": true, browserName: "wry", "tauri:options": { application: bin, args } },
  });
  try {
    await browser.$('[data-testid="start"]').waitForDisplayed({ timeout: 30000 });
    const paint = performance.now() - t0;
    return await work(browser, t0, paint);
  } finally {
    await browser.deleteSession();
  }
}

const results = { hello: { paint: [], rss: [], pss: [] }, app: { paint: [], diagnosis: [], summary_after_paint: [], rss: [], pss: [] } };
const breakdown = { hello: null, app: null };
try {
  for (let round = 0; round < ROUNDS; round++) {
    await session(helloBin, [], async (_b, _t0, paint) => {
      await sleep(1500); // let the web process settle, as the app does while it scans
      const m = memory(helloBin);
      results.hello.paint.push(paint); results.hello.rss.push(m.rss); results.hello.pss.push(m.pss);
      breakdown.hello = m.by;
    });
    await session(appBin, [], async (_b, _t0, paint) => { results.app.paint.push(paint); });
    await session(appBin, ["--demo"], async (b, t0, paint) => {
      // The scan runs from the first paint: its sentence appears on the welcome screen.
      await b.$('[data-testid="scan-summary"]').waitForDisplayed({ timeout: 30000, interval: 10 });
      results.app.summary_after_paint.push(performance.now() - t0 - paint);
      // The front door as a user meets it: Start, skip the optional question, and the
      // guided fix's one-sentence summary of the scan.
      await b.$('[data-testid="start"]').click();
      const next = await b.$('[data-testid="wizard-next"]');
      await next.waitForClickable({ timeout: 30000 });
      await next.click();
      await b.$('[data-testid="wizard-summary"]').waitForDisplayed({ timeout: 30000 });
      results.app.diagnosis.push(performance.now() - t0);
      await sleep(1500);
      const m = memory(appBin);
      results.app.rss.push(m.rss); results.app.pss.push(m.pss);
      breakdown.app = m.by;
    });
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
} finally {
  driver.kill();
  rmSync(home, { recursive: true, force: true });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const summary = {
  rounds: ROUNDS,
  hello: Object.fromEntries(Object.entries(results.hello).map(([k, v]) => [k, median(v)])),
  app: Object.fromEntries(Object.entries(results.app).map(([k, v]) => [k, median(v)])),
  raw: results,
  pss_by_process_last_round: breakdown,
};
writeFileSync(outFile, JSON.stringify(summary, null, 2));
console.log(JSON.stringify({ hello: summary.hello, app: summary.app }));
if (!existsSync(outFile)) process.exit(1);
