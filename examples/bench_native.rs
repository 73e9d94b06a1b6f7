//! Native peer of the browser benchmark: the same kernels with the same parameters,
//! sequential and on native rayon's global pool, medians of repeated runs.
//!
//! Usage: `cargo run --release --example bench_native -- [OUT.json] [REPEATS]`; prints one line
//! per workload and mode, and writes the rows as JSON to OUT.json when given.

use std::sync::Arc;

use futures::executor::block_on;
use webpar::engine::{self, native_clock, Ctx, JobSpec, WORKLOADS};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next();
    let repeats: u32 = args
        .next()
        .map_or(5, |r| r.parse().expect("REPEATS is a whole number"));
    let mut rows = Vec::new();
    for workload in WORKLOADS {
        let spec = JobSpec::defaults(workload.name).expect("the catalogue's defaults are valid");
        let cmp = block_on(engine::compare(
            &spec,
            repeats,
            Arc::new(Ctx::new()),
            native_clock,
        ))
        .unwrap_or_else(|err| panic!("{}: {err}", workload.name));
        for run in &cmp.runs {
            println!(
                "{:<12} {:<10} threads {:>2}  median {:>9.2} ms  checksum {}",
                run.workload,
                run.mode.name(),
                run.threads,
                run.summary.median_ms,
                run.checksum
            );
            rows.push(format!(
                r#"{{"workload":"{}","mode":"{}","where":"native","threads":{},"median_ms":{},"min_ms":{},"max_ms":{},"checksum":"{}","repeats":{}}}"#,
                run.workload,
                run.mode.name(),
                run.threads,
                run.summary.median_ms,
                run.summary.min_ms,
                run.summary.max_ms,
                run.checksum,
                repeats
            ));
        }
    }
    if let Some(path) = out {
        std::fs::write(&path, format!("[\n{}\n]\n", rows.join(",\n")))
            .unwrap_or_else(|err| panic!("cannot write {path}: {err}"));
    }
}
