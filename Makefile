# The two set-up commands of the README. Both install what they need (Debian/Ubuntu, through
# sudo when not root), are idempotent, and run from a fresh clone.
#   make run    build and launch the Patchbay desktop app
#   make test   every test, as CI runs it (.ci/run)
# Beside them: make dev (hot reload), make check (the inner loop), make package, make bench.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
NPM ?= npm

# Debian packages: to build the core (a C compiler for the bundled SQLite) and the Tauri app
# (WebKitGTK 4.1, GTK), and to test: a real Secret Service in a private D-Bus session, a
# virtual display and WebKit's WebDriver for the end-to-end tests.
CORE_PACKAGES := gcc libc6-dev
APP_PACKAGES := $(CORE_PACKAGES) build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev \
	libxdo-dev libayatana-appindicator3-dev librsvg2-dev xdg-utils
TEST_PACKAGES := $(APP_PACKAGES) dbus gnome-keyring libsecret-tools xvfb xauth fonts-dejavu-core \
	webkit2gtk-driver python3-venv x11-utils desktop-file-utils rpm

.PHONY: run dev test check fmt formatted bench lint ui ui-deps ui-test app package package-test release-figures deps-app deps-test check-tools

run: deps-app app
	$(CARGO) run --locked -p patchbay-app

test: deps-test ui-test lint
	tests/support/with-keyring.sh $(CARGO) test --workspace --locked --all-targets
	@# cargo test re-exports the TypeScript bindings (ts-rs): the committed ones must match.
	@git diff --quiet -- ui/src/lib/bindings && [ -z "$$(git status --porcelain -- ui/src/lib/bindings)" ] || \
		{ git status --short -- ui/src/lib/bindings; echo "ui/src/lib/bindings is stale: commit what cargo test exported" >&2; exit 1; }
	$(CARGO) build --locked -p patchbay-app -p patchbay-cli
	tests/live/run.sh
	tests/conformance/run.sh
	tests/e2e/run.sh
	$(MAKE) --no-print-directory package-test

# The inner loop, without installing anything or starting servers: format, lint and type
# check, then the unit tests of every crate (no keyring, no network) and of the UI.
check: formatted
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	cd ui && $(NPM) run check
	$(CARGO) test --workspace --locked --lib --bins
	cd ui && $(NPM) test

# The UI with hot reload and the app around it: Vite's dev server (stopped when the app quits)
# and a debug app without the embedded UI, which loads devUrl (tauri.conf.json) instead.
dev: deps-app ui-deps
	cd ui && $(NPM) run --silent dev & vite=$$!; trap 'kill $$vite 2>/dev/null' EXIT; \
	for _ in $$(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/1420) 2>/dev/null && break; sleep 0.1; done; \
	$(CARGO) run --locked -p patchbay-app --no-default-features

fmt: ui-deps
	$(CARGO) fmt --all
	cd ui && $(NPM) run --silent format
	tests/support/ruff.sh format tests

# The app embeds the built UI, so the UI is built before anything compiles the app crate. The
# CLI beside it runs the user's gateway and the entries installed into AI clients.
app: ui
	$(CARGO) build --locked -p patchbay-app -p patchbay-cli

# The release app bundled by Tauri's bundler (the npm @tauri-apps/cli pinned in ui/, a prebuilt
# binary): a .deb and an .rpm with the CLI on the PATH beside the app. AppImage is left out: its
# bundler downloads linuxdeploy from GitHub at build time, which only registries may do here.
# The CLI's path is absolute because the target dir may live outside the clone.
TAURI := $(CURDIR)/ui/node_modules/.bin/tauri
package: deps-app ui
	$(CARGO) build --release --locked -p patchbay-cli
	@target=$$($(CARGO) metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'); \
	files="{\"/usr/bin/patchbay\": \"$$target/release/patchbay\"}"; \
	rm -rf "$$target/release/bundle"; \
	cd src-tauri && $(TAURI) build --ci --bundles deb,rpm \
		--config "{\"bundle\": {\"linux\": {\"deb\": {\"files\": $$files}, \"rpm\": {\"files\": $$files}}}}" -- --locked

package-test: deps-test package
	tests/package/run.sh

ui: ui-deps
	cd ui && $(NPM) run build

ui-deps:
	@[ ui/node_modules/.package-lock.json -nt ui/package-lock.json ] || (cd ui && $(NPM) ci --no-audit --no-fund)

ui-test: ui
	cd ui && $(NPM) run check && $(NPM) test

# Every file in its formatter's shape (rustfmt, Prettier for TypeScript and Svelte, ruff for
# Python; `make fmt` fixes them) and the Python linted (pyflakes' rules).
formatted: ui-deps
	$(CARGO) fmt --all --check
	cd ui && $(NPM) run --silent format:check
	tests/support/ruff.sh format --check tests
	tests/support/ruff.sh check tests

lint: ui formatted
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Benchmarks: the store at 10,000 servers, live MCP (connection test vs the MCP Inspector CLI,
# sync of 100 slow servers) and the gateway (a call through a portal vs direct vs the FastMCP
# proxy; memory after 100,000 calls) and the installed entry (the first tools/list through the
# stdio entry, cold and warm, vs a URL entry; its memory) and search portals (tokens per mode,
# search latency and recall@5 over a corpus of real servers' tools), each measured in one run.
bench: deps-test
	$(CARGO) bench --locked -p patchbay-core --bench store
	source tests/bench/env.sh && $(CARGO) bench --locked -p patchbay-cli --bench live
	source tests/bench/env.sh && tests/support/with-keyring.sh $(CARGO) bench --locked -p patchbay-cli --bench gateway
	source tests/bench/env.sh && tests/support/with-keyring.sh $(CARGO) bench --locked -p patchbay-cli --bench entry
	source tests/bench/corpus/env.sh && tests/support/with-keyring.sh $(CARGO) bench --locked -p patchbay-cli --bench search

# The README's release figures, from the package: first paint, idle memory with 0 and 1,000
# servers, memory over an hour of a portal serving calls, package sizes (SOAK= minutes).
SOAK ?= 60
release-figures: deps-test package
	tests/bench/release_figures.sh --soak-minutes $(SOAK)

deps-app: check-tools
	@tests/support/apt-install.sh $(APP_PACKAGES)

deps-test: check-tools
	@tests/support/apt-install.sh $(TEST_PACKAGES)

check-tools:
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then run make again" >&2; exit 1; }
	@command -v rustfmt >/dev/null && command -v cargo-clippy >/dev/null || rustup component add rustfmt clippy
	@command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || \
		{ echo "Node.js 20.19 or newer is needed for the UI build (Vite 8)" >&2; exit 1; }
