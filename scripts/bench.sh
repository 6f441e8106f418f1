#!/usr/bin/env bash
# The performance pass (issue 7): Session Doctor against a hello-world Tauri app built with
# the same Tauri version and release profile, side by side in one run. Prints a Markdown
# table with the goals; the figures also land in target/bench/results.json.
#   launch -> first paint, launch -> the guided fix's summary sentence (demo) and the same
#   from the first paint, RSS/PSS after the scan,
#   release binary, .deb and gzipped UI bundle sizes.
# Slow (two release builds, minutes when cold); not part of `make test`. Run: make bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
out=$CARGO_TARGET_DIR/bench
rel=$CARGO_TARGET_DIR/release
mkdir -p "$out"
tauri=$root/ui/node_modules/.bin/tauri

echo "== UI bundle" >&2
npm --prefix ui run build >/dev/null
ui_gz=0
for f in ui/dist/index.html ui/dist/assets/*; do
  ui_gz=$((ui_gz + $(gzip -9 -c "$f" | wc -c)))
done

echo "== release builds and .deb packages (app, then the hello-world baseline)" >&2
$tauri build --bundles deb >"$out/build-app.log" 2>&1 || { tail -30 "$out/build-app.log"; exit 1; }
# Same versions: the baseline resolves against Session Doctor's own lock file.
cp Cargo.lock bench/hello/Cargo.lock
(cd bench/hello && $tauri build --bundles deb >"$out/build-hello.log" 2>&1) || { tail -30 "$out/build-hello.log"; exit 1; }

app_bin=$rel/session-doctor
hello_bin=$rel/hello-tauri
shopt -s nullglob
app_debs=("$rel"/bundle/deb/Session*Doctor_*.deb)
hello_debs=("$rel"/bundle/deb/hello-tauri_*.deb)
[ ${#app_debs[@]} -gt 0 ] && [ ${#hello_debs[@]} -gt 0 ] || { echo "no .deb built" >&2; exit 1; }
app_deb=${app_debs[-1]}
hello_deb=${hello_debs[-1]}

echo "== launch and memory, ${BENCH_ROUNDS:-5} rounds each (Xvfb, WebDriver)" >&2
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x900x24" \
  node bench/measure.mjs "$app_bin" "$hello_bin" "$out/results.json" >/dev/null

node - "$out/results.json" "$app_bin" "$hello_bin" "$app_deb" "$hello_deb" "$ui_gz" <<'JS'
const fs = require("node:fs");
const [file, appBin, helloBin, appDeb, helloDeb, uiGz] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const size = (f) => fs.statSync(f).size;
const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
const ms = (x) => `${Math.round(x)} ms`;
const mb = (x) => `${x.toFixed(1)} MiB`;
const ok = (pass) => (pass ? "met" : "**missed**");
const rows = [
  ["launch → first paint", ms(r.hello.paint), ms(r.app.paint), "≤ baseline + 100 ms", ok(r.app.paint <= r.hello.paint + 100)],
  ["first paint → the scan's summary sentence (demo, welcome screen)", "–", ms(r.app.summary_after_paint), "≤ 300 ms", ok(r.app.summary_after_paint <= 300)],
  ["launch → the guided fix's summary (demo; Start and Skip clicked)", "–", ms(r.app.diagnosis), "< 1500 ms", ok(r.app.diagnosis < 1500)],
  ["RSS after the scan (process tree)", mb(r.hello.rss), mb(r.app.rss), "–", ""],
  ["PSS after the scan (process tree)", mb(r.hello.pss), mb(r.app.pss), "≤ baseline + 30 MiB", ok(r.app.pss <= r.hello.pss + 30)],
  ["release binary", mib(size(helloBin)), mib(size(appBin)), "–", ""],
  [".deb package", mib(size(helloDeb)), mib(size(appDeb)), "–", ""],
  ["UI bundle, gzipped", "–", `${(uiGz / 1024).toFixed(1)} KiB`, "< 150 KiB", ok(uiGz < 150 * 1024)],
];
console.log(`Medians of ${r.rounds} rounds; hello-world Tauri app as the baseline.\n`);
console.log("| measure | baseline | Session Doctor | goal | |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
JS
