//! Native peer of the browser benchmark: the same kernels with the same parameters,
//! sequential and on native rayon's global pool, medians of repeated runs.
//!
//! Usage: `cargo run --release --example bench_native -- [OUT.json] [REPEATS] [WORKLOAD...]`;
//! prints one line per workload and mode, and writes the rows as JSON to OUT.json when given
//! (`-` for none). With workload names, only those run. `WEBPAR_BENCH_WHERE` names the build
//! in the rows' `where` (default `native`): `./build.sh bench` runs it three ways, for the
//! host CPU (`native`), for the baseline target (`native-portable`) and with sha2's software
//! backend (`native-soft-sha`).

#[cfg(not(target_arch = "wasm32"))]
use futures::executor::block_on;
#[cfg(not(target_arch = "wasm32"))]
use webpar::engine::{self, native_clock, Job, JobSpec, WORKLOADS};

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next();
    let repeats: u32 = args
        .next()
        .map_or(5, |r| r.parse().expect("REPEATS is a whole number"));
    let only: Vec<String> = args.collect();
    let build = std::env::var("WEBPAR_BENCH_WHERE").unwrap_or_else(|_| "native".into());
    let mut rows = Vec::new();
    for workload in WORKLOADS {
        if workload.params.is_empty() {
            continue; // the empty job measures the browser's round trip, not a kernel
        }
        if !only.is_empty() && !only.iter().any(|name| name == workload.name) {
            continue;
        }
        let spec = JobSpec::defaults(workload.name).expect("the catalogue's defaults are valid");
        let cmp = block_on(engine::compare(&spec, repeats, &Job::new(), native_clock))
            .unwrap_or_else(|err| panic!("{}: {err}", workload.name));
        for run in &cmp.runs {
            println!(
                "{build} {:<12} {:<10} threads {:>2}  median {:>9.2} ms  checksum {}",
                run.workload,
                run.mode.name(),
                run.threads,
                run.summary.median_ms,
                run.checksum
            );
            rows.push(serde_json::json!({
                "kind": "run",
                "workload": run.workload,
                "mode": run.mode.name(),
                "where": build,
                "threads": run.threads,
                "threads_used": run.threads_used,
                "median_ms": run.summary.median_ms,
                "min_ms": run.summary.min_ms,
                "max_ms": run.summary.max_ms,
                "checksum": run.checksum,
                "repeats": repeats,
                "params": run.params,
            }));
        }
    }
    if let Some(path) = out.filter(|path| path != "-") {
        let json = serde_json::to_string_pretty(&rows).expect("rows serialize");
        std::fs::write(&path, json).unwrap_or_else(|err| panic!("cannot write {path}: {err}"));
    }
}

/// The native benchmark has nothing to do in a browser (`cargo test --target wasm32` builds
/// examples too).
#[cfg(target_arch = "wasm32")]
fn main() {}
