# The two set-up commands of the README. Both install what they need (Debian/Ubuntu, through
# sudo when not root), are idempotent, and run from a fresh clone.
#   make run    build and launch Patchbay
#   make test   every test, as CI runs it (.ci/run)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: to build (a C compiler for the bundled SQLite), and to test secrets against
# a real Secret Service in a private D-Bus session.
BUILD_PACKAGES := gcc libc6-dev
TEST_PACKAGES := $(BUILD_PACKAGES) dbus gnome-keyring libsecret-tools

.PHONY: run test bench deps-build deps-test check-rust lint

run: deps-build
	$(CARGO) build --release --locked -p patchbay-cli
	@echo
	$(CARGO) run --quiet --release --locked -p patchbay-cli -- --help
	@echo
	$(CARGO) run --quiet --release --locked -p patchbay-cli -- server list

test: deps-test lint
	tests/support/with-keyring.sh $(CARGO) test --workspace --locked --all-targets
	@# cargo test re-exports the TypeScript bindings (ts-rs): the committed ones must match.
	@git diff --quiet -- ui/src/lib/bindings && [ -z "$$(git status --porcelain -- ui/src/lib/bindings)" ] || \
		{ git status --short -- ui/src/lib/bindings; echo "ui/src/lib/bindings is stale: commit what cargo test exported" >&2; exit 1; }

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

bench: deps-build
	$(CARGO) bench --locked -p patchbay-core --bench store

deps-build: check-rust
	@tests/support/apt-install.sh $(BUILD_PACKAGES)

deps-test: check-rust
	@tests/support/apt-install.sh $(TEST_PACKAGES)

check-rust:
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then run make again" >&2; exit 1; }
	@command -v rustfmt >/dev/null && command -v cargo-clippy >/dev/null || rustup component add rustfmt clippy
