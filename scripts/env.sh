# Shared environment for raftsim's scripts. Sourced, never run.
# Tools installed by npm (wasm-opt from binaryen, Playwright) come first on PATH so Trunk finds the
# wasm-opt that can read modern wasm instead of an older system one.
RAFTSIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RAFTSIM_ROOT
export PATH="$RAFTSIM_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

# Versions pinned in one place. The wasm-bindgen CLI must equal the crate pinned in Cargo.toml.
TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$RAFTSIM_ROOT/Cargo.toml")"
BINARYEN_VERSION="131"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
