// The backend as a Windows user runs it: session-doctor-cli.exe under Wine against the live
// Wine registry (a realistic Outlook setup imported with `reg import`), live idle processes
// named OUTLOOK.EXE and olk.exe, and the simulated tenant (a native process on 127.0.0.1)
// for a device-code sign-in whose 3,400-character refresh token goes through Windows
// Credential Manager. Run by scripts/wine-e2e.sh, which builds the programs and the prefix.
//
// Environment: CLI_EXE (the Windows CLI), SANDBOX (the native sandbox binary), IDLE_EXE
// (an idle Windows program), FIXTURE (the .reg file), OUT (a folder for outputs).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const { CLI_EXE, SANDBOX, IDLE_EXE, FIXTURE, OUT, WINEPREFIX } = process.env;
let passed = 0;
let failed = 0;
const started = Date.now();

function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`PASS ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `\n     ${String(detail).slice(0, 2000).replace(/\n/g, "\n     ")}` : ""}`);
  }
  return ok;
}

function wine(args, env = {}) {
  const r = spawnSync("wine", args, {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, out: r.stdout ?? "", err: r.stderr ?? "" };
}

const cli = (args, env) => wine([CLI_EXE, ...args], env);

function json(r, what) {
  try {
    return JSON.parse(r.out);
  } catch (e) {
    check(`${what} prints JSON`, false, `exit ${r.code}\n${r.out}\n${r.err}`);
    return null;
  }
}

/** `reg export` of Outlook's HKCU keys, as bytes (UTF-16LE with BOM, like Windows). */
function exportOffice(name) {
  const file = join(OUT, name);
  const r = wine(["reg", "export", "HKCU\\Software\\Microsoft\\Office", file, "/y"]);
  if (r.code !== 0) return null;
  return readFileSync(file);
}
const text = (bytes) => (bytes ? bytes.toString("utf16le") : "");

// --- The PC: registry and running mail apps -------------------------------------------
mkdirSync(OUT, { recursive: true });
check("reg import of the Outlook setup", wine(["reg", "import", FIXTURE]).code === 0);

const drive = join(WINEPREFIX, "drive_c");
const outlookDir = join(drive, "Program Files", "Microsoft Office", "root", "Office16");
const olkDir = join(drive, "Program Files", "WindowsApps", "Microsoft.OutlookForWindows_1.0.0.0_x64__8wekyb3d8bbwe");
mkdirSync(outlookDir, { recursive: true });
mkdirSync(olkDir, { recursive: true });
copyFileSync(IDLE_EXE, join(outlookDir, "OUTLOOK.EXE"));
copyFileSync(IDLE_EXE, join(olkDir, "olk.exe"));
// Classic Outlook twice (a second window left behind, as users report), new Outlook once.
const idle = [join(outlookDir, "OUTLOOK.EXE"), join(outlookDir, "OUTLOOK.EXE"), join(olkDir, "olk.exe")].map((exe) =>
  spawn("wine", [exe], { stdio: "ignore", detached: true }),
);
await new Promise((r) => setTimeout(r, 3000));

// --- scan and diagnose ---------------------------------------------------------------
const scan = json(cli(["scan", "--json"]), "scan --json");
if (scan) {
  writeFileSync(join(OUT, "scan.json"), JSON.stringify(scan, null, 2));
  const names = scan.processes.map((p) => p.name.toLowerCase());
  check("scan finds the running OUTLOOK.EXE", names.includes("outlook.exe"), names.join(", "));
  check("scan finds the running olk.exe (new Outlook)", names.includes("olk.exe"), names.join(", "));
  const profiles = scan.profiles.map((p) => JSON.stringify(p.name));
  check("scan reads three profiles, \"Outlook\" and \"Outlook \" apart", ["\"Outlook\"", "\"Outlook \"", "\"Shared\""].every((n) => profiles.includes(n)), profiles.join(", "));
  const dup = scan.profiles.find((p) => p.name === "Outlook ");
  check("the trailing-space profile is the duplicate", dup && dup.duplicate_of.length > 0, JSON.stringify(dup));
  const orig = scan.profiles.find((p) => p.name === "Outlook");
  check("\"Outlook\" is the default profile, \"Outlook \" is not", orig?.is_default === true && dup?.is_default === false, JSON.stringify([orig, dup]));
  const addins = Object.fromEntries(scan.addins.map((a) => [a.prog_id, a]));
  check("scan finds the HKCU and HKLM add-ins", ["crmaddin.Addin", "Fabrikam.Archiver", "TeamsAddin.FastConnect", "Northwind.Policy.Addin"].every((p) => p in addins), Object.keys(addins).join(", "));
  check("the policy-pinned add-in is marked as policy-managed", JSON.stringify(addins["Northwind.Policy.Addin"] ?? {}).includes("policy"), JSON.stringify(addins["Northwind.Policy.Addin"]));
  check("every registry source was read", scan.sources.filter((s) => s.status === "failed").length === 0, JSON.stringify(scan.sources.filter((s) => s.status === "failed")));
}
const diagnosis = json(cli(["diagnose", "--json"]), "diagnose --json");
if (diagnosis) {
  writeFileSync(join(OUT, "diagnose.json"), JSON.stringify(diagnosis, null, 2));
  const all = JSON.stringify(diagnosis);
  const codes = (diagnosis.findings ?? []).map((f) => f.code);
  check("diagnose names the duplicate profile", codes.some((c) => /duplicate/.test(c)), codes.join(", "));
  check("diagnose names classic Outlook running twice", codes.includes("outlook_running_multiple"), codes.join(", "));
  check("diagnose names the add-ins that open their own connections", codes.includes("addin_opens_connections") && /Dynamics 365|Teams/.test(all), codes.join(", "));
}

// --- check --exit-code: the fleet contract (docs/fleet/: Intune, Configuration Manager) --
/** A Unix path as the Windows CLI sees it (Wine maps / to Z:). */
const winPath = (p) => `Z:${p.replace(/\//g, "\\")}`;
{
  const r = cli(["check", "--exit-code", "--json"]);
  const v = json(r, "check --exit-code --json");
  writeFileSync(join(OUT, "check.json"), r.out);
  check("check --exit-code exits 1 after the Outlook setup is imported (findings)", r.code === 1 && v?.result === "findings" && v?.exit_code === 1, `exit ${r.code}\n${r.out.slice(0, 1500)}\n${r.err}`);
  check("check --json carries schema_version 1 and names the duplicate profile", v?.schema_version === 1 && (v?.findings ?? []).some((f) => f.code === "duplicate_profiles"), r.out.slice(0, 1500));
  const plain = cli(["check"]);
  check("check without --exit-code exits 0 with findings", plain.code === 0, `exit ${plain.code}\n${plain.err}`);
  // An empty PC: an export without Outlook, nothing live, an empty home.
  const emptyHome = join(OUT, "empty-home");
  mkdirSync(emptyHome, { recursive: true });
  const emptyReg = join(OUT, "empty.reg");
  writeFileSync(emptyReg, "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Contoso]\r\n\"Empty\"=\"yes\"\r\n");
  const clean = cli(["check", "--exit-code", "--json", "--no-live", "--home", winPath(emptyHome), "--registry-file", winPath(emptyReg)]);
  check("check --exit-code exits 0 on an empty PC", clean.code === 0 && json(clean, "check (empty PC)")?.result === "clean", `exit ${clean.code}\n${clean.out.slice(0, 1500)}\n${clean.err}`);
  const missing = cli(["check", "--exit-code", "--registry-file", "C:\\no\\such\\export.reg"]);
  check("check --exit-code exits 2 when it could not check (a missing export)", missing.code === 2 && missing.err.includes("cannot read --registry-file"), `exit ${missing.code}\n${missing.err}`);
  const garbage = join(OUT, "garbage.reg");
  writeFileSync(garbage, "not an export");
  const broken = cli(["check", "--exit-code", "--no-live", "--home", winPath(emptyHome), "--registry-file", winPath(garbage)]);
  check("check --exit-code exits 2 when the registry source fails", broken.code === 2, `exit ${broken.code}\n${broken.out}\n${broken.err}`);

  // detect.ps1 itself, only where Wine has a PowerShell that runs scripts (stock Wine has
  // none, or a stub): there the exit-code contract above is what detect.ps1 relies on.
  const ps = wine(["powershell", "-NoProfile", "-NonInteractive", "-Command", "exit 7"]);
  if (ps.code === 7) {
    const dir = join(drive, "Program Files", "SessionDoctor");
    mkdirSync(dir, { recursive: true });
    copyFileSync(CLI_EXE, join(dir, "session-doctor-cli.exe"));
    const detect = new URL("../../docs/fleet/detect.ps1", import.meta.url).pathname;
    const d = wine(["powershell", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", winPath(detect)]);
    check("detect.ps1 exits 1 on findings (Intune then runs remediate.ps1)", d.code === 1, `exit ${d.code}\n${d.out}\n${d.err}`);
  } else {
    console.log(`SKIP detect.ps1 under Wine: no PowerShell that runs scripts here (exit ${ps.code}); the exit-code contract it relies on was tested directly above`);
  }
}

// --- repairs on the live registry, and undo byte for byte ------------------------------
const before = exportOffice("before.reg");
check("reg export before the repairs", before !== null);
const offers = json(cli(["fix", "list", "--json"]), "fix list --json") ?? [];
const list = Array.isArray(offers) ? offers : offers.offers ?? [];
writeFileSync(join(OUT, "offers.json"), JSON.stringify(list, null, 2));
const removeDup = list.find((o) => o.kind === "remove_profile" && o.target.profile === "Outlook ");
const disable = list.find((o) => o.kind === "disable_addin" && o.target.prog_id === "crmaddin.Addin");
check("fix list offers to remove exactly \"Outlook \"", !!removeDup, JSON.stringify(list.filter((o) => o.kind === "remove_profile")));
check("fix list never offers to remove the default \"Outlook\"", !list.some((o) => o.kind === "remove_profile" && o.target.profile === "Outlook"));
check("fix list offers to turn off Dynamics 365 for Outlook (HKCU)", !!disable && /hkcu|current/i.test(String(disable.target.hive)), JSON.stringify(disable));
check("fix list offers to close the running apps with their identity", list.some((o) => o.kind === "close_client" && o.target.pid > 0 && /outlook\.exe$/i.test(o.target.exe ?? "")), JSON.stringify(list.filter((o) => o.kind === "close_client")));

if (removeDup && disable && before) {
  const dry = cli(["fix", "run", removeDup.id]);
  check("fix run without --yes changes nothing", dry.code === 0 && Buffer.compare(exportOffice("dry.reg"), before) === 0, dry.out + dry.err);
  const r1 = cli(["fix", "run", removeDup.id, "--yes", "--json"]);
  check("fix run removes the duplicate profile", r1.code === 0, r1.out + r1.err);
  const r2 = cli(["fix", "run", disable.id, "--yes", "--json"]);
  check("fix run turns the add-in off", r2.code === 0, r2.out + r2.err);
  const after = text(exportOffice("after.reg"));
  check("reg export: \"Outlook \" is gone", !after.includes("\\Profiles\\Outlook ]") && !after.includes("\\Profiles\\Outlook \\"), "");
  check("reg export: \"Outlook\" and its account are untouched", after.includes("\\Profiles\\Outlook]") && after.includes("\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000001]"));
  const crm = after.split("crmaddin.Addin]")[1]?.split("\r\n\r\n")[0] ?? "";
  check("reg export: Dynamics 365 for Outlook's LoadBehavior is off", /"LoadBehavior"=dword:0000000[02]/.test(crm), crm);
  const journal = json(cli(["fix", "journal", "--json"]), "fix journal --json") ?? [];
  const entries = Array.isArray(journal) ? journal : journal.entries ?? [];
  check("fix journal lists both changes, undoable", entries.length >= 2 && entries.slice(0, 2).every((e) => e.can_undo), JSON.stringify(entries).slice(0, 1500));
  // Newest first, as a careful person undoes.
  for (const e of entries.slice(0, 2)) {
    const u = cli(["fix", "undo", e.id, "--yes"]);
    check(`fix undo ${e.kind}`, u.code === 0, u.out + u.err);
  }
  const undone = exportOffice("undone.reg");
  check("reg export after undo is byte-identical to before", undone !== null && Buffer.compare(undone, before) === 0, `before ${before.length} bytes, after ${undone?.length}`);
}

// --- sign-in with long tokens through Credential Manager ----------------------------------
const sandbox = spawn(SANDBOX, ["--approve", "megan.bowen@contoso.example", "--refresh-len", "3400", "--access-len", "2600"], { stdio: ["pipe", "pipe", "inherit"] });
const lines = createInterface({ input: sandbox.stdout });
const next = () => new Promise((resolve) => lines.once("line", resolve));
const ready = JSON.parse(await next());
const cloudEnv = {
  SESSION_DOCTOR_AUTHORITY: ready.authority,
  SESSION_DOCTOR_TENANT: "organizations",
  SESSION_DOCTOR_CLIENT_ID: ready.client_id,
  SESSION_DOCTOR_GRAPH: ready.graph_base,
  SESSION_DOCTOR_KEYRING_SERVICE: `session-doctor-wine-e2e-${process.pid}`,
};
// An admin, with the admin scopes: she may revoke her own sessions through Graph.
const signin = cli(["signin", "--device-code", "--admin"], cloudEnv);
check("signin --device-code with a 3,400-character refresh token", signin.code === 0 && signin.out.includes("megan.bowen@contoso.example"), signin.out + signin.err);
check("signin says the sign-in is kept in Windows Credential Manager", signin.out.includes("Remembered in Windows Credential Manager"), signin.out);
const sessions = cli(["sessions", "--json"], cloudEnv);
const snap = json(sessions, "sessions --json");
check("sessions --json in a new process: the token came back from Credential Manager", snap?.account?.upn === "megan.bowen@contoso.example" && snap.devices.length > 0, sessions.err);
const revoke = cli(["signout-everywhere", "--yes"], cloudEnv);
check("signout-everywhere --yes", revoke.code === 0 && /signed out everywhere/i.test(revoke.out), revoke.out + revoke.err);
const after = cli(["sessions", "--json"], cloudEnv);
check("after signing out everywhere the saved sign-in is gone", after.code !== 0 && /not_signed_in|sign in/i.test(after.err), after.out + after.err);
sandbox.stdin.end();
const seen = JSON.parse(await next());
check("the tenant has no live refresh token left for the user", seen.live_refresh_tokens["megan.bowen@contoso.example"] === 0, JSON.stringify(seen));

for (const p of idle) {
  try {
    process.kill(-p.pid);
  } catch {}
}
console.log(`wine e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
