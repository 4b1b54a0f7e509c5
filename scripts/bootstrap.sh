#!/usr/bin/env bash
# Installs whatever this repository needs and is missing; a no-op in seconds when all is there.
# Safe to run on every `make` target: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*"; }

# Root may install system packages directly; anyone else goes through sudo.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$HOME/.cargo/bin:$PATH"

# Node >= 20 comes with the machine image; Debian 12's own nodejs (18) is too old to stand in.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: Node >= 20 with npm is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# 1. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 1b. The toolchain of the shipped wasm (Cargo.toml, release-toolchain), with the standard
#     library's sources, which scripts/build.sh compiles with the crate.
release_toolchain=$(sed -n 's/^release-toolchain *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)
if [ -z "$release_toolchain" ]; then
  echo 'bootstrap: cannot read release-toolchain = "..." from Cargo.toml' >&2
  exit 1
fi
sysroot=$(rustup run "$release_toolchain" rustc --print sysroot 2>/dev/null || true)
if [ -z "$sysroot" ] || [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
  say "installing rust $release_toolchain with rust-src (the shipped wasm's compiler)"
  rustup toolchain install "$release_toolchain" --profile minimal --component rust-src
fi

# 2. The wasm-bindgen CLI, exactly the version the crate pins: the CLI refuses any other
#    schema version. Cargo.toml is the one place to bump it.
want=$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
if [ -z "$want" ]; then
  echo 'bootstrap: cannot read wasm-bindgen = "=x.y.z" from Cargo.toml' >&2
  exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); takes a few minutes, once"
  # No --locked: the CLI's lock file names a dependency version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want"
fi

# 3. Headless Chromium and its driver, for wasm-bindgen-test and the browser tests; wrk, the
#    load generator of `make bench` (bench/worker.mjs). Debian's packages: nothing may download
#    a browser build or a binary at run time.
apt_missing=()
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || apt_missing+=(chromium chromium-driver)
command -v wrk >/dev/null 2>&1 || apt_missing+=(wrk)
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing ${apt_missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_missing[@]}"
fi

# 4. Dev tooling from npm (binaryen's wasm-opt, miniflare, wrangler, playwright-core, tsc),
#    pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi

say "ok (wasm-bindgen $want, $(node --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'))"
