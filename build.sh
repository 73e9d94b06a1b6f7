#!/usr/bin/env bash
# webpar's one entry point. Every subcommand is idempotent and installs what it needs.
#
#   ./build.sh setup   install the toolchain and the test browser from nothing (skips what is
#                      present); build, pack and serve install only the toolchain
#   ./build.sh build   release wasm build + bindings into www/pkg (the npm package), vendor JS,
#                      and examples/levenshtein's package into www/examples/levenshtein
#   ./build.sh pack    the npm package alone (no page, example or dev server), as
#                      target/webpar-VERSION.tgz
#   ./build.sh docs    the API reference from the package's declarations, into www/docs/
#   ./build.sh serve   setup + build + docs, then the dev server on http://127.0.0.1:8080
#                      (PORT=...; the API reference at /docs/);
#                      --no-isolation serves it without COOP/COEP (the processes backend)
#   ./build.sh test    setup + build, then lints and every test suite; ends "N passed, N failed"
#   ./build.sh bench   setup + build, then the benchmarks (browser and native) side by side
set -euo pipefail
cd "$(dirname "$0")"

# The nightly that builds std with atomics for the threaded wasm (see .cargo/config.toml).
NIGHTLY=nightly-2026-05-20
TARGET=wasm32-unknown-unknown
WASM=target/$TARGET/release/webpar.wasm
# The build without shared memory or atomics, for isolated workers: no .cargo/config.toml
# flags (RUSTFLAGS replaces them), and the same 1 GiB ceiling as the threaded build.
SINGLE_WASM=target/single/$TARGET/release/webpar.wasm
SINGLE_FLAGS="-C target-feature=+bulk-memory,+mutable-globals,+simd128 -C link-arg=--max-memory=1073741824"
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
# The second engine of the browser tests: Debian's Firefox ESR, driven by geckodriver.
FIREFOX=/usr/bin/firefox-esr
GECKODRIVER_VERSION=0.37.1
# The browser tests run through wasm-pack, as users run them (docs/guide/development.md).
WASM_PACK_VERSION=0.14.0
GECKODRIVER=${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver
export CARGO_TERM_COLOR=never

say() { printf '\n== %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

setup() {
  say "setup"
  command -v cargo >/dev/null && command -v rustup >/dev/null \
    || die "Rust is missing: install rustup (https://rustup.rs), then run this again"
  command -v node >/dev/null && command -v npm >/dev/null \
    || die "Node.js 18+ and npm are missing: install them (e.g. apt-get install nodejs npm)"

  # Stable stays the default toolchain (native tests, clippy, dev server); rustfmt and clippy
  # are part of the test command.
  rustup component add --toolchain stable rustfmt clippy >/dev/null 2>&1 \
    || rustup component add rustfmt clippy
  # The pinned nightly with rust-src (std is rebuilt with atomics), clippy (the wasm lint) and
  # the wasm target.
  if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1 \
    || ! rustup component list --toolchain "$NIGHTLY" --installed 2>/dev/null | grep -q '^rust-src' \
    || ! rustup component list --toolchain "$NIGHTLY" --installed 2>/dev/null | grep -q '^clippy' \
    || ! rustup target list --toolchain "$NIGHTLY" --installed 2>/dev/null | grep -q "^$TARGET"; then
    rustup toolchain install "$NIGHTLY" --profile minimal -c rust-src -c clippy -t "$TARGET"
  fi
  # Stable's wasm target: the build without shared memory.
  if ! rustup target list --toolchain stable --installed 2>/dev/null | grep -q "^$TARGET"; then
    rustup target add --toolchain stable "$TARGET"
  fi

  # wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock exactly.
  # Not --locked: one of its locked dependencies is no longer in the registry.
  local want have
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
  [ -n "$want" ] || die "Cargo.lock names no wasm-bindgen version"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ "$have" != "$want" ]; then
    cargo install wasm-bindgen-cli --version "$want"
  fi
  # wasm-pack runs the browser tests; it finds this wasm-bindgen and downloads nothing.
  if [ "$(wasm-pack --version 2>/dev/null | awk '{ print $2 }')" != "$WASM_PACK_VERSION" ]; then
    cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
  fi

  # JS tooling (playwright-core, chart.js), exactly as package-lock.json says; skipped when
  # node_modules is newer than the lock file.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}

# Chromium and its driver from Debian: the browser of the tests and the benchmarks (not
# needed to build or serve); Firefox ESR from Debian and geckodriver from crates.io, the
# second engine of the tests. Browsers cannot be downloaded by npm tools here; Debian's builds
# are the ones we use.
setup_browser() {
  if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ] || [ ! -x "$FIREFOX" ]; then
    say "setup: Chromium and Firefox ESR"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver firefox-esr
  fi
  if [ "$("$GECKODRIVER" --version 2>/dev/null | awk 'NR == 1 { print $2 }')" != "$GECKODRIVER_VERSION" ]; then
    say "setup: geckodriver"
    cargo install geckodriver --version "$GECKODRIVER_VERSION"
  fi
}

# The npm package into www/pkg: both wasm builds, their bindings, the hand-written half and the
# manifest. Built beside it and swapped in, so that a page open meanwhile never finds it gone.
build_package() {
  say "build the package"
  # Release build of the threaded wasm (flags in .cargo/config.toml).
  cargo "+$NIGHTLY" build --lib --release --target "$TARGET"
  # Fail early if the memory is not shared: the pool could not start.
  node scripts/check-wasm.mjs "$WASM"
  # The build without shared memory (stable; see SINGLE_FLAGS): the processes backend's
  # workers run it, on any page.
  RUSTFLAGS="$SINGLE_FLAGS" cargo +stable build --lib --release --target "$TARGET" \
    --target-dir target/single
  local next=www/pkg.next
  rm -rf "$next"
  # Bindings for plain ES modules: webpar_core.js (threads) and webpar_single.js (isolated
  # workers), wrapped by the package's entry modules. --experimental-reset-state-function: the
  # entry makes a new instance after a crash (js/src/restart.js).
  wasm-bindgen --target web --experimental-reset-state-function --out-dir "$next" \
    --out-name webpar_core "$WASM"
  wasm-bindgen --target web --out-dir "$next" --out-name webpar_single "$SINGLE_WASM"
  # The catalogue's workloads, typed by name, into the declarations.
  node scripts/workload-types.mjs "$next"
  # The package's hand-written half (js/src/: modules and declarations), beside the bindings.
  cp -r js/src/. "$next/"
  bundle_workers "$next"
  # Its package.json, with the crate's version, and the files every package carries.
  local version
  version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
  sed "s/\"VERSION\"/\"$version\"/" js/package.json > "$next/package.json"
  cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$next/"
  rm -rf www/pkg.old
  if [ -d www/pkg ]; then mv www/pkg www/pkg.old; fi
  mv "$next" www/pkg
  rm -rf www/pkg.old
}

# The package's worker scripts, and "webpar/task" that an app's task worker imports, each
# bundled into one file that imports nothing (esbuild), in package directory $1: an app's
# bundler then has no module of theirs to share between the page's chunks and the workers'.
# Parcel 2 cannot share modules between a page and its workers (its production build fails
# with "Cannot find module"; parcel-bundler/parcel#10307), and no bundler needs to. The
# unbundled originals stay in cli/entries/: `webpar build` bundles them for a crate's package.
bundle_workers() {
  local esbuild=$PWD/node_modules/.bin/esbuild file
  mkdir -p "$1/cli/entries"
  for file in webpar-worker.js webpar-process.js webpar-task.js task.js; do
    cp "$1/$file" "$1/cli/entries/$file"
    (cd "$1" && "$esbuild" "$file" --bundle --format=esm --log-level=warning \
      --allow-overwrite --outfile="$file")
  done
}

# Everything the demo page and the tests serve: the package, the page's vendored JS, the
# example crate's package and the dev server.
build() {
  build_package
  say "build the page, the example and the dev server"
  # The chart library, served to the page as ES modules through its import map.
  rm -rf www/vendor && mkdir -p www/vendor
  cp -r node_modules/chart.js/dist www/vendor/chart.js
  cp node_modules/@kurkle/color/dist/color.esm.js www/vendor/kurkle-color.esm.js
  # workerpool's browser build, for the benchmark's plain-JS peers (www/bench/).
  cp node_modules/workerpool/dist/workerpool.js www/vendor/workerpool.js
  # The last benchmark's numbers, shown on the page beside a comparison (none yet: no rows).
  if [ -f docs/benchmarks.json ]; then cp docs/benchmarks.json www/benchmarks.json
  else echo '{"rows": []}' > www/benchmarks.json; fi
  # A crate's own package beside webpar's: the page runs on it with ?package=levenshtein.
  build_example
  # The dev server (native, stable).
  cargo build --release -p webpar-serve
}

# A crate that depends on webpar and adds its own workload (examples/levenshtein), built to a
# package of its own by the package's command, as any crate's is (docs/guide/rust.md),
# served at /examples/levenshtein/: the page runs on it with ?package=levenshtein, the
# end-to-end tests and the bench load it.
build_example() {
  say "build examples/levenshtein (webpar build)"
  # Built beside the served folder and swapped in, like www/pkg.
  local next=www/examples/levenshtein.next
  node www/pkg/cli/webpar.js build examples/levenshtein --out-dir "$next"
  rm -rf www/examples/levenshtein.old
  if [ -d www/examples/levenshtein ]; then mv www/examples/levenshtein www/examples/levenshtein.old; fi
  mv "$next" www/examples/levenshtein
  rm -rf www/examples/levenshtein.old
}

# The API reference, generated from the package's declarations (TypeDoc) into www/docs/, where
# the dev server serves it at /docs/. Fails on any warning (an undocumented or broken link).
docs() {
  say "docs: the API reference (www/docs/)"
  rm -rf www/docs
  npx --no-install typedoc --options js/typedoc.json
}

# Starts the dev server twice on free ports in the background: cross-origin isolated
# (BASE_URL) and without COOP/COEP (OPEN_URL), as most sites are served. Sets SERVER_PID too.
start_server() {
  serve_in_background target/serve.log
  BASE_URL=$SERVED_URL
  SERVER_PID=$SERVED_PID
  # The page as most sites serve it: no COOP/COEP, and no header on the threads frame either.
  serve_in_background target/serve-open.log --no-isolation --no-frame-header
  OPEN_URL=$SERVED_URL
  SERVER_PID="$SERVER_PID $SERVED_PID"
  # The same with the one header an app adds for the threads frame (frame backend).
  serve_in_background target/serve-frame.log --no-isolation
  FRAME_URL=$SERVED_URL
  SERVER_PID="$SERVER_PID $SERVED_PID"
  trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
}
serve_in_background() { # serve_in_background LOG [FLAG...]: sets SERVED_URL, SERVED_PID
  local log=$1; shift
  PORT=0 target/release/webpar-serve "$@" www >"$log" 2>&1 &
  SERVED_PID=$!
  for _ in $(seq 100); do
    # The server may not have opened its log yet: no URL then, try again.
    SERVED_URL=$(sed -n 's|^webpar dev server: \(http://[^ ]*\)/ .*|\1|p' "$log" 2>/dev/null || true)
    [ -n "$SERVED_URL" ] && return 0
    kill -0 "$SERVED_PID" 2>/dev/null || { cat "$log"; die "the dev server did not start"; }
    sleep 0.1
  done
  die "the dev server did not print its URL"
}

# The npm package as a .tgz (target/webpar-VERSION.tgz), for apps to install.
pack() {
  mkdir -p target
  (cd www/pkg && npm pack --pack-destination ../../target --silent) \
    | sed 's|^|packed: target/|'
}

serve() { # serve [--no-isolation [--no-frame-header]]
  setup
  build
  docs
  say "serve"
  exec target/release/webpar-serve "$@" www
}

# Test bookkeeping: every suite adds its counts; lints count as one check each.
PASSED=0
FAILED=0
FAILURES=()
count() { # count NAME PASSED FAILED
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3))
  if [ "$3" -gt 0 ]; then FAILURES+=("$1"); fi
  printf -- '-- %s: %d passed, %d failed\n' "$1" "$2" "$3"
}
check() { # check NAME COMMAND...: a command that passes or fails as a whole
  local name=$1; shift
  if "$@"; then count "$name" 1 0; else count "$name" 0 1; fi
}
# Sums the "test result: ... N passed; M failed" lines of cargo and wasm-bindgen-test output;
# a suite that exits non-zero without a failed test still counts as one failure.
cargo_suite() { # cargo_suite NAME COMMAND...
  local name=$1 log status=0 passed failed; shift
  log=$(mktemp)
  "$@" 2>&1 | tee "$log" || status=$?
  passed=$(grep -o '[0-9]* passed;' "$log" | awk '{ s += $1 } END { print s + 0 }')
  failed=$(grep -o '[0-9]* failed;' "$log" | awk '{ s += $1 } END { print s + 0 }')
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "$name ran no test"; fi
  count "$name" "$passed" "$failed"
}
node_suite() { # node_suite NAME COMMAND...: node's test runner ("# pass N", "# fail N")
  local name=$1 log status=0 passed failed; shift
  log=$(mktemp)
  "$@" 2>&1 | tee "$log" || status=$?
  passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
  failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
  passed=${passed:-0}; failed=${failed:-0}
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "$name ran no test"; fi
  count "$name" "$passed" "$failed"
}

test_all() {
  setup
  setup_browser
  build
  # The packed package, for the bundler apps of the end-to-end tests (tests/consumers/).
  pack
  say "lint"
  check "rustfmt" cargo fmt --all --check
  check "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
  check "clippy (wasm)" cargo "+$NIGHTLY" clippy --lib --tests --examples --target "$TARGET" -- -D warnings
  # The package's TypeScript types describe the API as the README uses it.
  check "types (tsc --strict)" npx --no-install tsc -p tests/types/tsconfig.json
  # The README's JavaScript examples, exactly as written, against the same declarations.
  check "README examples (tsc --strict, checkJs)" node tests/types/readme.mjs
  # The packed package as npm and TypeScript users get it: its manifest (publint), and the
  # types each entry point resolves to under ESM and bundler resolution (the .wasm files and
  # the threads frame's document are assets, its service worker a script of its own, not
  # modules; CommonJS cannot load an ES module package).
  local tarball
  tarball=$(ls target/webpar-*.tgz)
  check "package (publint)" npx --no-install publint --strict www/pkg
  check "package types (arethetypeswrong)" npx --no-install attw --profile esm-only \
    --exclude-entrypoints webpar_core_bg.wasm webpar_single_bg.wasm webpar-frame.html webpar-sw.js -- "$tarball"
  # What `npm publish` would send, without sending it.
  check "package (npm publish --dry-run)" bash -c 'cd www/pkg && npm publish --dry-run >/dev/null 2>&1'
  # The crate as crates.io would take it (what it packs builds on its own).
  check "crate (cargo publish --dry-run)" cargo publish --dry-run -p webpar --allow-dirty
  # The API reference builds from the declarations without a warning.
  check "API reference (typedoc)" docs
  say "native tests"
  cargo_suite "native" cargo test --workspace
  say "JS unit tests (node --test: no wasm, no browser)"
  node_suite "JS unit" node --test js/test/
  # One dev server for the browser tests' fetches (WEBPAR_API, read when they compile) and
  # the end-to-end tests.
  start_server
  say "browser tests (wasm-pack test, headless Chromium, threads on)"
  # Exactly the command docs/guide/development.md gives: every test binary (web_*.rs, and
  # the pure-logic files that also run natively; native-only files compile to nothing) and
  # the doc tests, compiled for wasm. The runner sets COOP/COEP itself; webdriver.json passes
  # Chromium the flags it needs here.
  cargo_suite "browser" env WASM_BINDGEN_TEST_TIMEOUT=120 WEBPAR_API="$BASE_URL" RUSTUP_TOOLCHAIN="$NIGHTLY" \
    wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --release
  say "browser tests (wasm-pack test, headless Firefox ESR, threads on)"
  cargo_suite "browser (Firefox ESR)" env WASM_BINDGEN_TEST_TIMEOUT=120 WEBPAR_API="$BASE_URL" RUSTUP_TOOLCHAIN="$NIGHTLY" \
    wasm-pack test --headless --firefox --geckodriver "$GECKODRIVER" --release
  say "end-to-end tests (playwright-core, Chromium, dev server)"
  node_suite "end-to-end" env BASE_URL="$BASE_URL" OPEN_URL="$OPEN_URL" FRAME_URL="$FRAME_URL" CHROMIUM="$CHROMIUM" \
    node --test --test-concurrency=1 tests/e2e/
  say "Node.js and Deno (the README's and the API guide's examples, both backends)"
  node_suite "Node.js and Deno" env BASE_URL="$BASE_URL" node --test --test-concurrency=1 tests/runtimes/
  say "end-to-end tests in Firefox ESR (geckodriver: threads and processes)"
  node_suite "end-to-end (Firefox ESR)" env BASE_URL="$BASE_URL" OPEN_URL="$OPEN_URL" FRAME_URL="$FRAME_URL" \
    FIREFOX="$FIREFOX" GECKODRIVER="$GECKODRIVER" node --test --test-concurrency=1 tests/firefox/
  kill $SERVER_PID 2>/dev/null || true

  echo
  [ "${#FAILURES[@]}" -eq 0 ] || echo "failed: ${FAILURES[*]}"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

bench() {
  setup
  setup_browser
  build
  mkdir -p target/bench
  # The machine's load before and after (load average, CPU time counters with steal time):
  # the report says whether the run was taken on a busy machine. "Before" is 5 s in which
  # nothing of ours runs: the load average alone would still count the build just done.
  cat /proc/stat > target/bench/quiet-start.txt 2>/dev/null || true
  sleep 5
  cat /proc/loadavg /proc/stat > target/bench/load-start.txt 2>/dev/null || true
  # The native anchor is the best native build: for this CPU (its SIMD, SHA instructions),
  # in a target dir of its own. The portable build (baseline x86-64) and sha2's software
  # backend run beside it, to tell what the CPU's instructions are worth.
  say "bench: native (host CPU)"
  RUSTFLAGS="-C target-cpu=native" cargo run --release --example bench_native \
    --target-dir target/native-host -- target/bench/native.json
  say "bench: native (portable)"
  WEBPAR_BENCH_WHERE=native-portable cargo run --release --example bench_native -- \
    target/bench/native-portable.json
  say "bench: native sha256 (sha2's software backend)"
  WEBPAR_BENCH_WHERE=native-soft-sha RUSTFLAGS="-C target-cpu=native" cargo run --release \
    --example bench_native --features sha2/force-soft --target-dir target/native-soft -- \
    target/bench/native-soft.json 5 sha256
  # Where each kernel's parallel time goes (threads' CPU time, page faults) and what this
  # machine's cores give two threads: the report's "What limits each speedup".
  say "bench: native profile of every kernel"
  RUSTFLAGS="-C target-cpu=native" cargo run --release --example profile_native \
    --target-dir target/native-host -- target/bench/profile.json
  say "bench: headless Chromium"
  start_server
  BASE_URL="$BASE_URL" OPEN_URL="$OPEN_URL" FRAME_URL="$FRAME_URL" CHROMIUM="$CHROMIUM" node bench/browser.mjs target/bench/browser.json
  say "bench: Node.js (the same comparisons on worker_threads)"
  node bench/node.mjs target/bench/node.json
  cat /proc/loadavg /proc/stat > target/bench/load-end.txt 2>/dev/null || true
  say "bench: soak (a million tasks each through submit, map and a worker pool; 1,000 restarts)"
  BASE_URL="$BASE_URL" OPEN_URL="$OPEN_URL" CHROMIUM="$CHROMIUM" node bench/soak.mjs target/bench/soak.json
  # Last, as it keeps every core busy on purpose.
  say "bench: start-up soak (200 page loads and 200 bare inits, every core busy)"
  BASE_URL="$BASE_URL" CHROMIUM="$CHROMIUM" node bench/startup.mjs target/bench/startup.json 200
  kill $SERVER_PID 2>/dev/null || true
  say "bench: results"
  node bench/report.mjs target/bench/native.json target/bench/browser.json target/bench/results.json \
    target/bench/native-portable.json target/bench/native-soft.json
}

case "${1:-}" in
  setup) setup; setup_browser ;;
  build) setup; build ;;
  pack) setup; build_package; pack ;;
  serve) shift; serve "$@" ;;
  docs) setup; build_package; docs ;;
  test) test_all ;;
  bench) bench ;;
  *) die "usage: ./build.sh setup|build|pack|docs|serve|test|bench" ;;
esac
