//! Results of runs and comparisons, as plain serializable objects.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::{Mode, Produced, Summary, Timeline};

/// Timings of one workload in one mode, repeated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct RunReport {
    /// The workload's name.
    pub workload: &'static str,
    /// The validated parameters.
    pub params: BTreeMap<&'static str, u64>,
    /// How it ran.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Mode"))]
    pub mode: Mode,
    /// Threads it was given: 1 for sequential, the pool size for parallel.
    pub threads: usize,
    /// Most distinct pool threads that ran chunks of one repeat (at most `threads`).
    pub threads_used: usize,
    /// The kernel's checksum, as a decimal string (u64 does not fit a JS number).
    pub checksum: String,
    /// Whether every repeat produced the same checksum.
    pub deterministic: bool,
    /// Elapsed milliseconds of each repeat, measured on the thread that ran the job.
    pub times_ms: Vec<f64>,
    /// Median, min, max and mean of `times_ms`.
    #[serde(flatten)]
    pub summary: Summary,
    /// What each thread did during the last repeat, and when: asked for with
    /// `{ timeline: true }`, absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "RunTimeline"))]
    pub timeline: Option<Timeline>,
    /// The real output of the last repeat, for a job on an app's data (the web layer converts
    /// it to typed arrays).
    #[serde(skip)]
    pub output: Option<Produced>,
}

/// Sequential against parallel timings of one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct Comparison {
    /// The workload's name.
    pub workload: &'static str,
    /// The validated parameters.
    pub params: BTreeMap<&'static str, u64>,
    /// Timed repeats per mode.
    pub repeats: u32,
    /// One report per mode: sequential first, then parallel.
    pub runs: Vec<RunReport>,
    /// Whether both modes produced the same checksum.
    pub checksums_match: bool,
    /// Threads of the parallel run.
    pub threads: usize,
    /// Sequential median divided by parallel median.
    pub speedup: f64,
    /// Speedup divided by the parallel run's threads (1.0 is perfect scaling).
    pub efficiency: f64,
}

impl Comparison {
    /// Compares a sequential and a parallel report of the same job.
    ///
    /// ```
    /// use webpar::engine::{Comparison, Mode, RunReport, Summary};
    /// let report = |mode, threads, ms: f64| RunReport {
    ///     workload: "primes", params: Default::default(), mode, threads, threads_used: threads,
    ///     checksum: "9592".into(), deterministic: true, times_ms: vec![ms],
    ///     summary: Summary::of(&[ms]).unwrap(), timeline: None, output: None,
    /// };
    /// let cmp = Comparison::new(report(Mode::Sequential, 1, 700.0), report(Mode::Parallel, 2, 350.0), 1);
    /// assert_eq!((cmp.speedup, cmp.efficiency, cmp.checksums_match), (2.0, 1.0, true));
    /// ```
    pub fn new(sequential: RunReport, parallel: RunReport, repeats: u32) -> Comparison {
        let speedup = sequential.summary.median_ms / parallel.summary.median_ms;
        let threads = parallel.threads;
        Comparison {
            workload: sequential.workload,
            params: sequential.params.clone(),
            repeats,
            checksums_match: sequential.checksum == parallel.checksum,
            threads,
            speedup,
            efficiency: speedup / threads.max(1) as f64,
            runs: vec![sequential, parallel],
        }
    }
}
