#!/usr/bin/env bash
# Every test layer, in order: native Rust, wasm (Node and headless Chromium), the package build,
# then the JavaScript tests (package consumers, workerd, browser). A failing layer does not hide
# the others' results; the exit status is 0 only if every layer passed. Ends with one
# "test: N passed, M failed" line summing the test counts that the runners reported.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed_layers=()

# run_layer NAME COMMAND...: runs, keeps the output for the summary, records a failure.
run_layer() {
  local name=$1
  shift
  printf '\n== test: %s: %s\n' "$name" "$*"
  if ! "$@" 2>&1 | tee "$logs/$name.log"; then
    failed_layers+=("$name")
    printf '== test: %s FAILED\n' "$name"
    return 1
  fi
}

# Chromium leaves ~12 MB per launch in /tmp: remove what this run added.
chromium_dirs() { ls -d /tmp/org.chromium.Chromium.* 2>/dev/null | sort; }
chromium_before=$(chromium_dirs)
clean_chromium() {
  comm -13 <(printf '%s\n' "$chromium_before") <(chromium_dirs) | xargs -r rm -rf
}

run_layer rust cargo test

# The core denies unwrap/expect/panic outside tests (src/lib.rs); warnings fail too, a doc link
# that does not resolve among them.
run_layer lint bash -c 'cargo fmt --all -- --check && cargo clippy --all-targets -- -D warnings \
  && cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings \
  && RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items'

# The wasm-bindgen tests are the files tests/wasm_*.rs (those configured run_in_browser go to
# Chromium through chromedriver, the others to Node).
wasm_tests=()
for f in tests/wasm_*.rs; do
  [ -e "$f" ] && wasm_tests+=(--test "$(basename "$f" .rs)")
done
if [ ${#wasm_tests[@]} -gt 0 ]; then
  run_layer wasm env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --target wasm32-unknown-unknown "${wasm_tests[@]}"
  clean_chromium
else
  printf '\n== test: wasm: no tests/wasm_*.rs yet, skipped\n'
fi

if run_layer build scripts/build.sh; then
  mapfile -t js_tests < <(find tests -name '*.test.mjs' -not -path '*/node_modules/*' | sort)
  run_layer js node --test "${js_tests[@]}"
  clean_chromium
else
  printf '== test: js: skipped, the package did not build\n'
  failed_layers+=(js)
fi

# Sum what the runners reported: cargo and wasm-bindgen-test ("test result: ok. 3 passed;
# 0 failed;"), node's test runner (TAP "# pass 3" or spec "ℹ pass 3").
read -r passed failed < <(cat "$logs"/*.log | awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
  /^(# |ℹ )pass [0-9]+$/ { p += $NF }
  /^(# |ℹ )fail [0-9]+$/ { f += $NF }
  END { print p + 0, f + 0 }')

echo
if [ ${#failed_layers[@]} -gt 0 ]; then
  echo "test: FAILED layers: ${failed_layers[*]}"
  # A layer that failed before any test ran (a compile error) still counts as a failure.
  [ "$failed" -eq 0 ] && failed=${#failed_layers[@]}
  echo "test: $passed passed, $failed failed"
  exit 1
fi
echo "test: $passed passed, $failed failed"
