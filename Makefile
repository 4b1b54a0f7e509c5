# The four entry points of the contract (shared/CONTRACT.md §1). Each installs what is missing
# first (scripts/bootstrap.sh: seconds when everything is there), then says what it runs.
SHELL := /bin/bash
PORT ?= 8787

.PHONY: bootstrap build test bench demo

bootstrap:
	@echo "make: bootstrap (wasm target, the shipped wasm's nightly, wasm-bindgen CLI, chromium, npm dev tools)"
	@scripts/bootstrap.sh

# pkg/wasm: cargo (wasm32 release) -> wasm-bindgen -> wasm-opt; sizes checked against the budget.
build: bootstrap
	@echo "make: build the npm package into pkg/"
	@scripts/build.sh

# Rust unit/property tests, wasm tests in Node and Chromium, package consumer, workerd and
# browser tests; exit 0 only if all pass.
test: bootstrap
	@echo "make: test (every layer; see scripts/test.sh)"
	@scripts/test.sh

# Criterion on the native core, then the same engine from JS through the wasm, then the sourcing
# optimiser against an exact MILP (bench/sourcing.mjs); merged into
# bench/results.json and bench/RESULTS.md.
bench: build
	@echo "make: bench: cargo bench --bench core -- --noplot"
	@if [ -f benches/core.rs ]; then cargo bench --bench core -- --noplot; \
	  else echo "make: bench: no benches/core.rs, criterion skipped"; fi
	@echo "make: bench: node --expose-gc bench/wasm.mjs"
	@node --expose-gc bench/wasm.mjs
	@echo "make: bench: node bench/sourcing.mjs (the optimiser against HiGHS; scripts/python-env.sh installs it)"
	@node bench/sourcing.mjs
	@echo "make: bench: node bench/worker.mjs (wrk, or autocannon without it, against workerd on loopback)"
	@node bench/worker.mjs
	@echo "make: bench: node scripts/bench-report.mjs"
	@node scripts/bench-report.mjs

# The edge worker under wrangler dev: the demo network loaded on first start, state persisted in
# worker/.wrangler/state, www/ at / and pkg/ at /pkg/, dev INGEST_TOKEN `dev-token`.
demo: build
	@echo "make: demo: scripts/demo.sh (wrangler dev on http://127.0.0.1:$(PORT)/)"
	@PORT=$(PORT) scripts/demo.sh
