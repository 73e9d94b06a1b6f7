//! Scaling sweeps: the same job on 1, 2, ... k threads, and what Amdahl's law makes of it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::RunReport;

/// One thread count of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct SweepRow {
    /// Threads (lanes) the job was given.
    pub threads: usize,
    /// Distinct pool threads that ran chunks (most over the repeats).
    pub threads_used: usize,
    /// Checksum of this row's runs.
    pub checksum: String,
    /// Elapsed milliseconds of each repeat.
    pub times_ms: Vec<f64>,
    /// Median of `times_ms`.
    pub median_ms: f64,
    /// Fastest repeat.
    pub min_ms: f64,
    /// Slowest repeat.
    pub max_ms: f64,
    /// Median at 1 thread divided by this median.
    pub speedup: f64,
    /// Speedup divided by threads.
    pub efficiency: f64,
    /// Speedup Amdahl's law predicts with the fitted serial fraction.
    pub amdahl_speedup: f64,
    /// Whether `threads` exceeds the cores the platform reports (threads then share cores).
    pub oversubscribed: bool,
}

/// A scaling sweep's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct Sweep {
    /// The workload's name.
    pub workload: &'static str,
    /// The validated parameters.
    pub params: BTreeMap<&'static str, u64>,
    /// Timed repeats per thread count.
    pub repeats: u32,
    /// Logical cores the platform reports (`navigator.hardwareConcurrency`), if known.
    pub cores: Option<usize>,
    /// One row per thread count, ascending; the first is 1 thread.
    pub rows: Vec<SweepRow>,
    /// Whether every row has the same checksum.
    pub checksums_match: bool,
    /// Serial fraction `s` of Amdahl's law `speedup(k) = 1 / (s + (1 - s) / k)` fitted by least
    /// squares to the rows within the cores; 0 is perfectly parallel. `None` without a row of
    /// more than one thread within the cores.
    pub serial_fraction: Option<f64>,
    /// A caveat for the reader, e.g. that some thread counts exceed the cores.
    pub note: Option<String>,
}

impl Sweep {
    /// Builds the report from one [`RunReport`] per thread count (ascending, starting at 1).
    ///
    /// ```
    /// use webpar::engine::{Mode, RunReport, Summary, Sweep};
    /// let report = |threads, ms: f64| RunReport {
    ///     workload: "primes", params: Default::default(), mode: Mode::Threads(threads),
    ///     threads, threads_used: threads, checksum: "1".into(), deterministic: true,
    ///     times_ms: vec![ms], output: None, summary: Summary::of(&[ms]).unwrap(), timeline: None,
    /// };
    /// // 10% serial: T(k) = 100 (0.1 + 0.9 / k)
    /// let sweep = Sweep::new(vec![report(1, 100.0), report(2, 55.0), report(4, 32.5)], 1, Some(4));
    /// assert!((sweep.serial_fraction.unwrap() - 0.1).abs() < 1e-9);
    /// assert!((sweep.rows[2].amdahl_speedup - 1.0 / (0.1 + 0.9 / 4.0)).abs() < 1e-9);
    /// // On 2 cores the 4-thread row is oversubscribed: flagged, and left out of the fit.
    /// let sweep = Sweep::new(vec![report(1, 100.0), report(2, 55.0), report(4, 80.0)], 1, Some(2));
    /// assert!((sweep.serial_fraction.unwrap() - 0.1).abs() < 1e-9);
    /// assert!(sweep.rows[2].oversubscribed && sweep.note.is_some());
    /// ```
    pub fn new(reports: Vec<RunReport>, repeats: u32, cores: Option<usize>) -> Sweep {
        let base = reports.first().map_or(f64::NAN, |r| r.summary.median_ms);
        // Threads beyond the cores share them: that slowdown is not a serial fraction, so the
        // fit only uses the rows within the cores.
        let within_cores = |r: &&RunReport| cores.is_none_or(|cores| r.threads <= cores);
        let serial_fraction = amdahl_fit(
            reports
                .iter()
                .filter(within_cores)
                .map(|r| (r.threads, r.summary.median_ms / base)),
        );
        let rows: Vec<SweepRow> = reports
            .iter()
            .map(|r| {
                let k = r.threads.max(1) as f64;
                let speedup = base / r.summary.median_ms;
                let s = serial_fraction.unwrap_or(0.0);
                SweepRow {
                    threads: r.threads,
                    threads_used: r.threads_used,
                    checksum: r.checksum.clone(),
                    times_ms: r.times_ms.clone(),
                    median_ms: r.summary.median_ms,
                    min_ms: r.summary.min_ms,
                    max_ms: r.summary.max_ms,
                    speedup,
                    efficiency: speedup / k,
                    amdahl_speedup: 1.0 / (s + (1.0 - s) / k),
                    oversubscribed: cores.is_some_and(|cores| r.threads > cores),
                }
            })
            .collect();
        let note = cores
            .filter(|&cores| rows.iter().any(|row| row.threads > cores))
            .map(|cores| {
                format!(
                    "thread counts above {cores} exceed the {cores} cores this device reports: \
                     those threads share cores, so their speedup cannot grow further"
                )
            });
        Sweep {
            workload: reports.first().map_or("", |r| r.workload),
            params: reports
                .first()
                .map(|r| r.params.clone())
                .unwrap_or_default(),
            repeats,
            cores,
            checksums_match: rows.windows(2).all(|w| w[0].checksum == w[1].checksum),
            rows,
            serial_fraction,
            note,
        }
    }
}

/// Least-squares serial fraction from `(threads, time relative to 1 thread)` pairs:
/// `t_k - 1/k = s (1 - 1/k)`, so `s = Σ x y / Σ x²` with `x = 1 - 1/k`, `y = t_k - 1/k`,
/// clamped to `[0, 1]`.
fn amdahl_fit(points: impl Iterator<Item = (usize, f64)>) -> Option<f64> {
    let (mut xy, mut xx) = (0.0, 0.0);
    for (threads, relative) in points {
        let inverse = 1.0 / threads.max(1) as f64;
        let x = 1.0 - inverse;
        xy += x * (relative - inverse);
        xx += x * x;
    }
    (xx > 0.0 && xy.is_finite()).then(|| (xy / xx).clamp(0.0, 1.0))
}

/// The thread counts of a sweep: `requested` sorted and deduplicated, with 1 added, each
/// checked against the pool's size.
///
/// # Errors
/// [`crate::ErrorKind::InvalidParams`] for a count outside `1..=pool_threads`.
pub fn sweep_threads(
    requested: Option<Vec<usize>>,
    pool_threads: usize,
) -> Result<Vec<usize>, crate::Error> {
    let mut threads = requested.unwrap_or_else(|| (1..=pool_threads).collect());
    if let Some(&bad) = threads.iter().find(|&&k| k == 0 || k > pool_threads) {
        return Err(crate::Error::invalid(format!(
            "option \"threads\" has {bad}: each thread count must be in 1..={pool_threads} \
             (the pool's size; start the pool with more threads to sweep further)"
        ))
        .with_param("threads"));
    }
    threads.push(1);
    threads.sort_unstable();
    threads.dedup();
    Ok(threads)
}
