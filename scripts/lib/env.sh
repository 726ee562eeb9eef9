# shellcheck shell=bash
# Environment shared by scripts/setup, scripts/serve and scripts/test. Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT

# cargo-installed tools (trunk, wasm-bindgen) live in ~/.cargo/bin. node_modules/.bin comes first so
# that Trunk picks up wasm-opt from the npm `binaryen` package: Debian's binaryen and the crates.io
# wasm-opt are too old to read what current rustc emits.
PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PATH

# Trunk must never try to download anything (no wasm-bindgen, no wasm-opt, no update check): with
# these set it fails at once with a clear message instead of timing out against github.com.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true

# The compiler for the lean JS API build only (scripts/build-lean), pinned: a nightly for its
# immediate-abort panic strategy, which leaves out the panic messages the lean build can never
# show (4.7 KB gzipped). Everything else is built, checked and tested with the stable toolchain.
export QOSCOPE_LEAN_TOOLCHAIN=nightly-2026-05-20

export DEBIAN_FRONTEND=noninteractive

# Print a step heading. The prefix tells which script is talking when one calls another.
step() { printf '==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
