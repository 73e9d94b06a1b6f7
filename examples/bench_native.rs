//! Native peer of the browser benchmark: the same kernels with the same parameters,
//! sequential and on native rayon's global pool, medians of repeated runs with their 95%
//! intervals (percentile bootstrap), repeated in batches until the speedup's interval is
//! within ±3% or a time cap.
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
        // Batches of `repeats` (the modes taking turns) until the speedup's 95% interval is
        // within ±3%, or the time cap.
        let started = std::time::Instant::now();
        let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let (cmp, stopped) = loop {
            let cmp = block_on(engine::compare(&spec, repeats, &Job::new(), native_clock))
                .unwrap_or_else(|err| panic!("{}: {err}", workload.name));
            for (slot, run) in times.iter_mut().zip(&cmp.runs) {
                slot.extend(&run.times_ms);
            }
            let speedup = median(&times[0]) / median(&times[1]);
            let (low, high) = ratio_interval(&times[0], &times[1]);
            if (high - low) / 2.0 / speedup <= 0.03 {
                break (cmp, "converged");
            }
            if started.elapsed() > std::time::Duration::from_secs(30) || times[0].len() >= 40 {
                break (cmp, "time cap");
            }
        };
        for (run, run_times) in cmp.runs.iter().zip(&times) {
            let (low, high) = median_interval(run_times);
            println!(
                "{build} {:<12} {:<10} threads {:>2}  median {:>9.2} ms [{low:.2}, {high:.2}]  \
                 {} repeats, {stopped}  checksum {}",
                run.workload,
                run.mode.name(),
                run.threads,
                median(run_times),
                run_times.len(),
                run.checksum
            );
            rows.push(serde_json::json!({
                "kind": "run",
                "workload": run.workload,
                "mode": run.mode.name(),
                "where": build,
                "threads": run.threads,
                "threads_used": run.threads_used,
                "median_ms": median(run_times),
                "ci_low_ms": low,
                "ci_high_ms": high,
                "min_ms": run_times.iter().copied().fold(f64::INFINITY, f64::min),
                "max_ms": run_times.iter().copied().fold(0.0, f64::max),
                "times_ms": run_times,
                "checksum": run.checksum,
                "repeats": run_times.len(),
                "stopped": stopped,
                "params": run.params,
            }));
        }
    }
    if let Some(path) = out.filter(|path| path != "-") {
        let json = serde_json::to_string_pretty(&rows).expect("rows serialize");
        std::fs::write(&path, json).unwrap_or_else(|err| panic!("cannot write {path}: {err}"));
    }
}

/// The median of `values`.
#[cfg(not(target_arch = "wasm32"))]
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// Resamples of the percentile bootstrap (as bench/interval.mjs).
#[cfg(not(target_arch = "wasm32"))]
const RESAMPLES: usize = 2000;

/// A seeded resample of `values` (xorshift64*): the same intervals from the same timings.
#[cfg(not(target_arch = "wasm32"))]
fn resampled_median(values: &[f64], state: &mut u64) -> f64 {
    let sample: Vec<f64> = (0..values.len())
        .map(|_| {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
            let random = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
            values[(random % values.len() as u64) as usize]
        })
        .collect();
    median(&sample)
}

/// The 2.5th and 97.5th percentiles of `estimates`.
#[cfg(not(target_arch = "wasm32"))]
fn percentiles(mut estimates: Vec<f64>) -> (f64, f64) {
    estimates.sort_by(f64::total_cmp);
    let n = estimates.len();
    (
        estimates[n * 25 / 1000],
        estimates[(n * 975).div_ceil(1000) - 1],
    )
}

/// The 95% interval of the median of `times`.
#[cfg(not(target_arch = "wasm32"))]
fn median_interval(times: &[f64]) -> (f64, f64) {
    let mut state = 0x9e37_79b9_7f4a_7c15;
    percentiles(
        (0..RESAMPLES)
            .map(|_| resampled_median(times, &mut state))
            .collect(),
    )
}

/// The 95% interval of `median(base) / median(other)`.
#[cfg(not(target_arch = "wasm32"))]
fn ratio_interval(base: &[f64], other: &[f64]) -> (f64, f64) {
    let mut state = 0x2545_f491_4f6c_dd1d;
    percentiles(
        (0..RESAMPLES)
            .map(|_| resampled_median(base, &mut state) / resampled_median(other, &mut state))
            .collect(),
    )
}

/// The native benchmark has nothing to do in a browser (`cargo test --target wasm32` builds
/// examples too).
#[cfg(target_arch = "wasm32")]
fn main() {}
