#!/usr/bin/env node
// Checks that every Tauri crate in Cargo.lock that has an npm counterpart in the UI is on
// the same major.minor release as that npm package: `tauri` against `@tauri-apps/api`,
// `tauri-plugin-<name>` against `@tauri-apps/plugin-<name>`. Newer Tauri CLIs refuse to
// build with such a skew ("Found version mismatched Tauri packages"); this says so first,
// naming both versions. Crates without an npm package in the UI (dialog, log,
// single-instance today) are listed and skipped.
//
// The npm side is read from ui/package-lock.json and, when `npm ci` has run, from
// ui/node_modules too (a stale install is a skew as well).
//   node scripts/check-tauri-versions.mjs
// CARGO_LOCK, NPM_LOCK and NODE_MODULES override the paths (the script's own test uses them).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cargoLock = process.env.CARGO_LOCK ?? join(root, "Cargo.lock");
const npmLock = process.env.NPM_LOCK ?? join(root, "ui/package-lock.json");
const nodeModules = process.env.NODE_MODULES ?? join(root, "ui/node_modules");

// Cargo.lock: `[[package]]` blocks whose first lines are `name = "..."` and `version = "..."`.
const crates = new Map();
for (const block of readFileSync(cargoLock, "utf8").split("[[package]]").slice(1)) {
  const name = /^name = "([^"]+)"$/m.exec(block)?.[1];
  const version = /^version = "([^"]+)"$/m.exec(block)?.[1];
  if (!name || !version) continue;
  if (name === "tauri" || name.startsWith("tauri-plugin-")) {
    crates.set(name, [...(crates.get(name) ?? []), version]);
  }
}

const lock = JSON.parse(readFileSync(npmLock, "utf8"));
const npmName = (crate) =>
  crate === "tauri" ? "@tauri-apps/api" : `@tauri-apps/plugin-${crate.slice("tauri-plugin-".length)}`;
const majorMinor = (v) => v.split(".").slice(0, 2).join(".");

let failures = 0;
if (!crates.has("tauri")) {
  console.error(`check-tauri-versions: no tauri crate in ${cargoLock}`);
  failures++;
}
for (const [crate, versions] of [...crates].sort(([a], [b]) => a.localeCompare(b))) {
  const pkg = npmName(crate);
  const locked = lock.packages?.[`node_modules/${pkg}`]?.version;
  if (!locked) {
    console.log(`skip  ${crate} ${versions.join(", ")}: no ${pkg} in the UI`);
    continue;
  }
  const sides = [[`${pkg} (package-lock.json)`, locked]];
  const installedManifest = join(nodeModules, pkg, "package.json");
  if (existsSync(installedManifest)) {
    const installed = JSON.parse(readFileSync(installedManifest, "utf8")).version;
    if (installed !== locked) sides.push([`${pkg} (installed in node_modules)`, installed]);
  }
  for (const version of versions) {
    for (const [label, npmVersion] of sides) {
      if (majorMinor(version) === majorMinor(npmVersion)) {
        console.log(`ok    ${crate} ${version} = ${label} ${npmVersion}`);
      } else {
        console.error(
          `FAIL  Rust crate ${crate} ${version} (Cargo.lock) and npm ${label} ${npmVersion} are ` +
            `not on the same major.minor release (${majorMinor(version)} vs ${majorMinor(npmVersion)}): ` +
            `move one of them (npm install --prefix ui '${pkg}@~${majorMinor(version)}', or cargo update -p ${crate})`,
        );
        failures++;
      }
    }
  }
}
if (failures > 0) {
  console.error(`check-tauri-versions: ${failures} mismatch(es)`);
  process.exit(1);
}
console.log("check-tauri-versions: Rust crates and npm packages agree");
