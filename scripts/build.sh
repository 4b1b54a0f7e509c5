#!/usr/bin/env bash
# Builds the npm package's wasm into pkg/wasm/: cargo (wasm32, release) -> wasm-bindgen (web
# target, served to browsers, Node and workerd alike) -> wasm-opt -Oz, then prints the sizes and
# holds the gzip size to its budget. Re-runs wasm-bindgen and wasm-opt only when cargo's output
# (or this script) changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'build: %s\n' "$*"; }

out=pkg/wasm
# The shipped wasm has its own target directory: its compiler and flags (below) are not the
# stable toolchain's that the tests build with.
raw=target/shipped/wasm32-unknown-unknown/release/atsource.wasm
toolchain=$(sed -n 's/^release-toolchain *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)
# Debian's /usr/bin/wasm-opt (binaryen 108) emits modules that fail to load with this
# wasm-bindgen; only the npm binaryen pinned in package-lock.json is used.
wasm_opt=node_modules/.bin/wasm-opt
# Every feature the wasm-bindgen output uses (externref table, multi-value returns, ...) must be
# enabled, or wasm-opt refuses the module; nothing beyond them, so it adds no new feature.
wasm_opt_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

# Functions kept out of line although they have a single caller (which -Oz would inline): V8
# runs a function's first call in its baseline compiler's code and optimises it for later calls
# only, so a loop that a snapshot load calls per SKU or per chunk tiers up part way through a
# fresh instance's first load, where one inlined loop would not (bench/wasm.mjs, fromSnapshot in
# a fresh process). They mark functions before -Oz runs, so they come first. A pattern that
# stops matching after a rename costs speed, not correctness.
wasm_opt_keep_calls=(--no-inline='*stock::codec::decode*' --no-inline='*snapshot::checksum::feed*'
  --no-inline='*EventLog::from_parts::insert_all*')

[ -x "$wasm_opt" ] || { echo "build: $wasm_opt missing: run scripts/bootstrap.sh" >&2; exit 1; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# A build of uncommitted changes says so: its commit alone would name code it does not hold.
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- 2>/dev/null; then commit="$commit-dirty"; fi
say "cargo +$toolchain build --target wasm32-unknown-unknown --release -Z build-std (commit $commit)"
# src/engine.rs reads ATSOURCE_GIT_COMMIT with option_env!, which cargo tracks: a new commit
# recompiles the crate. The standard library is compiled with the crate (Cargo.toml,
# release-toolchain, says why) at opt-level 3, as rustup ships it: at the crate's "s" it made
# availability through the wasm 5% slower. Cargo warns that these profile entries match no
# package (it resolves them before it adds the standard library's crates); they apply.
ATSOURCE_GIT_COMMIT=$commit RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
  cargo "+$toolchain" build --target wasm32-unknown-unknown --release --target-dir target/shipped \
  -Z build-std=std,panic_abort \
  --config 'profile.release.package.core.opt-level=3' \
  --config 'profile.release.package.alloc.opt-level=3' \
  --config 'profile.release.package.std.opt-level=3' 2>&1 \
  | { grep --line-buffered -v -e '^warning: profile package spec `\(core\|alloc\|std\)` in profile `release` did not match any packages$' || true; }

stamp="$out/.stamp"
key="$(sha256sum "$raw" scripts/build.sh scripts/loader-guard.mjs scripts/unused-exports.mjs | sha256sum | cut -d' ' -f1) $(wasm-bindgen --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && [ -f "$out/atsource_bg.wasm" ] \
  && [ -f "$out/atsource.js" ] && [ -f "$out/atsource.d.ts" ]; then
  say "pkg/wasm is up to date with $raw"
else
  # Build beside pkg/wasm and swap in at the end, so a failed step never leaves a broken package.
  staging=$(mktemp -d target/pkg-wasm.XXXXXX)
  chmod 755 "$staging"
  trap 'rm -rf "$staging"' EXIT
  say "wasm-bindgen --target web --weak-refs"
  wasm-bindgen --target web --weak-refs --out-dir "$staging" "$raw"
  say "loader guard: a call before init() throws not_initialized"
  node scripts/loader-guard.mjs "$staging/atsource.js" "$staging/atsource_bg.wasm"
  # Function exports the glue never calls (scripts/unused-exports.mjs) are removed before -Oz:
  # each distinct signature among the exports costs cold start a compiled wrapper.
  unused=$(node scripts/unused-exports.mjs "$staging/atsource_bg.wasm" "$staging/atsource.js")
  remove_unused=()
  if [ -n "$unused" ]; then
    say "exports the glue never calls, removed: $unused"
    remove_unused=(--remove-exports "--pass-arg=remove-exports@$unused")
  fi
  say "wasm-opt -Oz ($("$wasm_opt" --version))"
  # --low-memory-unused: Rust's wasm32 puts the stack first, growing down from 1 MiB, and its
  # data above it, so nothing lives in the low 1 KiB that the flag lets constant offsets assume
  # unused (about 2 KB gzip); --converge repeats -Oz until the size stops falling (0.6 KB, ~8 s).
  "$wasm_opt" "${wasm_opt_keep_calls[@]}" "${remove_unused[@]}" -Oz --low-memory-unused --converge --strip-debug --strip-producers "${wasm_opt_features[@]}" \
    -o "$staging/atsource_bg.opt.wasm" "$staging/atsource_bg.wasm"
  mv "$staging/atsource_bg.opt.wasm" "$staging/atsource_bg.wasm"
  # Internal declarations of the raw exports: nothing imports them and they are full of `any`.
  rm -f "$staging/atsource_bg.wasm.d.ts"
  # wasm-bindgen's own loaders (`initSync`, the default export) and their types, which name web
  # types (RequestInfo, Response, BufferSource) that a Node or workerd consumer's TypeScript does
  # not declare, and the raw exports full of `any`: the package's entry is `init`, declared in
  # pkg/index.d.ts. They come last in the file; the build fails if that changes.
  grep -q '^export type InitInput = ' "$staging/atsource.d.ts" || { echo "build: InitInput not found in atsource.d.ts" >&2; exit 1; }
  sed -i '/^export type InitInput = /,$d' "$staging/atsource.d.ts"
  if grep -qE 'initSync|InitOutput|RequestInfo|BufferSource' "$staging/atsource.d.ts"; then
    echo "build: wasm-bindgen's loader types left in atsource.d.ts" >&2; exit 1
  fi
  printf '%s\n' "$key" > "$staging/.stamp"
  rm -rf "$out"
  mv "$staging" "$out"
  trap - EXIT
fi

node scripts/size.mjs "$raw" "$out/atsource_bg.wasm"
node scripts/widget-size.mjs
