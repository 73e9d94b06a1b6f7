//! What an I/O job reports: results per call, and the job's summary against the ideal.

use serde::Serialize;

/// How one call attempt ended, as its source tells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// Whether it succeeded.
    pub ok: bool,
    /// Bytes received.
    pub bytes: u64,
    /// HTTP status, for fetch.
    pub status: Option<u16>,
    /// What went wrong, when it failed.
    pub error: Option<String>,
    /// Whether another attempt may succeed (network errors, timeouts, 5xx, 429).
    pub retryable: bool,
}

/// One call's result, handed to `onBatch` in completion order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct CallResult {
    /// The call's input index: results arrive in completion order, not input order.
    pub index: u64,
    /// Whether it succeeded (possibly after retries).
    pub ok: bool,
    /// Attempts made (1 without retries).
    pub attempts: u32,
    /// Milliseconds of the last attempt.
    pub latency_ms: f64,
    /// Bytes received.
    pub bytes: u64,
    /// HTTP status, for fetch.
    pub status: Option<u16>,
    /// What went wrong, when it failed.
    pub error: Option<String>,
}

/// The summary of an I/O job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct IoReport {
    /// `"timer"` or `"fetch"`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "\"timer\" | \"fetch\" | \"function\"")
    )]
    pub source: &'static str,
    /// Calls asked for.
    pub calls: u64,
    /// Calls that succeeded.
    pub succeeded: u64,
    /// Calls that failed for good.
    pub failed: u64,
    /// Calls never finished because the job was stopped (not started, waiting for a retry,
    /// or in flight when it stopped). `succeeded + failed + cancelled == calls`.
    pub cancelled: u64,
    /// Retry attempts started.
    pub retries: u64,
    /// The concurrency limit.
    pub concurrency: u32,
    /// The rate limit, if any.
    pub rate_per_sec: Option<u32>,
    /// From the first start to the last settled call, in ms.
    pub makespan_ms: f64,
    /// `ceil(calls / concurrency) · latency`: the makespan of perfect concurrency.
    pub ideal_ms: Option<f64>,
    /// With a rate limit: `(ceil(calls / rate) - 1) · 1000 + latency`.
    pub rate_bound_ideal_ms: Option<f64>,
    /// Makespan over the larger of the two ideals.
    pub ratio_to_ideal: Option<f64>,
    /// Settled calls per second.
    pub throughput_per_sec: f64,
    /// Most calls in flight at once.
    pub max_in_flight: u32,
    /// Throughput times the expected latency (`latencyMs`), by Little's law how many calls
    /// of that latency were overlapping on average. Far below `concurrency` means something
    /// else capped it, such as the browser's 6 connections per host over HTTP/1.1.
    pub effective_concurrency: Option<f64>,
    /// Latency percentiles of the attempts, in ms (within 2%).
    pub latency_p50_ms: Option<f64>,
    /// 95th percentile.
    pub latency_p95_ms: Option<f64>,
    /// 99th percentile.
    pub latency_p99_ms: Option<f64>,
    /// Bytes received in all.
    pub bytes: u64,
    /// Batches handed to `onBatch`.
    pub batches: u64,
    /// Largest size of the wasm memory seen during the job, in bytes.
    pub peak_memory_bytes: u64,
    /// Peak memory minus the memory at the start.
    pub memory_growth_bytes: u64,
    /// Up to 5 distinct error messages, for a first look.
    pub first_errors: Vec<String>,
}

/// `ceil(calls / concurrency) · latency`, and with a rate limit the rate-bound ideal.
///
/// ```
/// let (ideal, rated) = webpar::io::ideal_makespans(10_000, 200, None, 100.0);
/// assert_eq!((ideal, rated), (5_000.0, None));
/// let (_, rated) = webpar::io::ideal_makespans(1_000, 1_000, Some(100), 10.0);
/// assert_eq!(rated, Some(9_010.0));
/// ```
pub fn ideal_makespans(
    calls: u64,
    concurrency: u32,
    rate_per_sec: Option<u32>,
    latency_ms: f64,
) -> (f64, Option<f64>) {
    let waves = calls.div_ceil(u64::from(concurrency.max(1)));
    let ideal = waves as f64 * latency_ms;
    let rated = rate_per_sec
        .map(|rate| (calls.div_ceil(u64::from(rate.max(1))) - 1) as f64 * 1000.0 + latency_ms);
    (ideal, rated)
}
