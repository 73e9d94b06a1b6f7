//! The `Runner` class: the catalogue, `run` and `compare`.

use std::sync::Arc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::clock::performance_now;
use super::controls::{callback_failed, Controls};
use super::convert::{
    array_items, describe, entries, integer_option, raw_params, to_js, workload_name,
};
use super::errors::{to_js_error, Failure};
use super::pool::hardware_concurrency;
use crate::engine::{self, pool, Job, JobSpec, Mode, WORKLOADS};
use crate::Error;

/// Most timed repeats of one mode.
const MAX_REPEATS: u32 = 100;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One integer parameter of a workload. */
export interface ParamSpec {
  name: string;
  type: "integer";
  description: string;
  min: number;
  max: number;
  default: number;
}
/** A workload of the catalogue. */
export interface Workload {
  name: string;
  description: string;
  params: ParamSpec[];
}
/** How a job runs. */
export type Mode = "sequential" | "parallel";
/** Controls every job takes. */
export interface JobControls {
  /** Aborting it stops the job within a chunk (milliseconds): the Promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Stops the job after this many milliseconds: the Promise rejects with TimeoutError. */
  timeoutMs?: number;
  /**
   * Called 10 times a second with the finished fraction of the job (monotone, in [0, 1]), and
   * with 1 at the end; for I/O jobs also with the calls completed and in flight. If it throws,
   * the job stops and rejects with CallbackError (err.cause: what it threw).
   */
  onProgress?: (fraction: number, calls?: { completed: number; inFlight: number }) => void;
}
/** Options of `Runner.run`. */
export interface RunOptions extends JobControls {
  /** Default "parallel". */
  mode?: Mode;
  /** Timed repeats, 1..=100; default 1. */
  repeats?: number;
}
/** Options of `Runner.compare`. */
export interface CompareOptions extends JobControls {
  /** Timed repeats per mode, 1..=100; default 5. */
  repeats?: number;
}
/** Options of `Runner.sweep`. */
export interface SweepOptions extends JobControls {
  /** Thread counts, each in 1..=pool size; 1 is always added. Default: 1 to the pool size. */
  threads?: number[];
  /** Timed repeats per thread count, 1..=100; default 3. */
  repeats?: number;
}
/** One thread count of a sweep. */
export interface SweepRow {
  threads: number;
  threadsUsed: number;
  checksum: string;
  timesMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median at 1 thread / this median. */
  speedup: number;
  efficiency: number;
  /** What Amdahl's law predicts with the fitted serial fraction. */
  amdahlSpeedup: number;
  /** More threads than the cores the device reports. */
  oversubscribed: boolean;
}
/** An I/O job: `calls` calls under a concurrency limit and optional rate limit. */
export interface IoSpec {
  /** "timer" (simulated calls, default) or "fetch". */
  source?: "timer" | "fetch";
  /** Number of calls, 1..=1e9. */
  calls: number;
  /** Most calls in flight, 1..=100000 (fetch: 1..=256); default 100. */
  concurrency?: number;
  /** Timer: latency of a call (default 100); fetch: the expected latency, for the ideal. */
  latencyMs?: number;
  /** Timer: extra latency, uniform in [0, jitterMs]. */
  jitterMs?: number;
  /** Timer: chance an attempt fails, [0, 1]. */
  failureRate?: number;
  /** Timer: seed of jitter and failures. */
  seed?: number;
  /** Fetch: URL template, "{i}" becomes the index, e.g. "/api/delay?ms=100&i={i}". */
  url?: string;
  /** Most starts in any one-second window. */
  ratePerSec?: number;
  /** Indices admitted per chunk (backpressure: at most two chunks pending); default 10000. */
  chunkSize?: number;
  /** Results per onBatch call, 1..=10000; default 1000. */
  batchSize?: number;
  /** Time limit of one attempt. */
  timeoutMs?: number;
  /**
   * Extra attempts for a failed call (network error, timeout, HTTP 5xx or 429), 0..=20;
   * default 0. The total backoff retryBaseMs * (2^retries - 1) may not exceed 300000 ms.
   */
  retries?: number;
  /** Backoff before the first retry, doubling after; default 100. */
  retryBaseMs?: number;
}
/** One call's result. */
export interface CallResult {
  index: number;
  ok: boolean;
  attempts: number;
  latencyMs: number;
  bytes: number;
  status: number | null;
  error: string | null;
}
/** Options of `Runner.io`. */
export interface IoOptions extends JobControls {
  /**
   * Receives the results in batches, in completion order. If it throws, the job stops and
   * rejects with CallbackError (err.cause: what it threw; err.report: the counts so far).
   */
  onBatch?: (results: CallResult[]) => void;
}
/** What an I/O job did, against the ideal. */
export interface IoReport {
  source: "timer" | "fetch";
  calls: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  retries: number;
  concurrency: number;
  ratePerSec: number | null;
  makespanMs: number;
  idealMs: number | null;
  rateBoundIdealMs: number | null;
  ratioToIdeal: number | null;
  throughputPerSec: number;
  maxInFlight: number;
  /** Throughput x latencyMs: calls effectively overlapping (Little's law). */
  effectiveConcurrency: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  bytes: number;
  batches: number;
  peakMemoryBytes: number;
  memoryGrowthBytes: number;
  firstErrors: string[];
}
/** The fetch-then-compute pipeline. */
export interface PipelineSpec {
  /** Documents, 1..=100000; default 100. */
  docs?: number;
  /** Bytes per document, 1..=1048576; default 262144. */
  bytes?: number;
  /** The server's latency per document; default 20. */
  latencyMs?: number;
  /** Fetches in flight in the concurrent run; default 6 (the browser's limit per host). */
  concurrency?: number;
}
/** One run of the pipeline. */
export interface PipelinePhases {
  concurrency: number;
  threads: number;
  ioMs: number;
  cpuMs: number;
  totalMs: number;
  checksum: string;
}
/** Sequential against concurrent + parallel. */
export interface PipelineReport {
  docs: number;
  bytes: number;
  words: number;
  sequential: PipelinePhases;
  concurrent: PipelinePhases;
  speedup: number;
  ioSpeedup: number;
  cpuSpeedup: number;
  checksumsMatch: boolean;
}
/** A scaling sweep. */
export interface Sweep {
  workload: string;
  params: Record<string, number>;
  repeats: number;
  cores: number | null;
  rows: SweepRow[];
  checksumsMatch: boolean;
  /** Amdahl serial fraction fitted by least squares; null with one thread count. */
  serialFraction: number | null;
  note: string | null;
}
/** Timings of one workload in one mode. */
export interface RunReport {
  workload: string;
  params: Record<string, number>;
  mode: Mode;
  threads: number;
  /** Distinct pool threads that ran chunks of one repeat (most over the repeats). */
  threadsUsed: number;
  /** Decimal string: a u64 does not fit a JS number. */
  checksum: string;
  deterministic: boolean;
  timesMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}
/** Sequential against parallel. */
export interface Comparison {
  workload: string;
  params: Record<string, number>;
  repeats: number;
  runs: [RunReport, RunReport];
  checksumsMatch: boolean;
  threads: number;
  speedup: number;
  efficiency: number;
}
"#;

/// Runs the catalogue's workloads on the thread pool. Every method that does work returns a
/// Promise; none blocks the calling thread.
#[wasm_bindgen]
pub struct Runner {
    _private: (),
}

impl Default for Runner {
    fn default() -> Self {
        Runner::new()
    }
}

#[wasm_bindgen]
impl Runner {
    /// A runner. Jobs need the pool: await `initThreadPool()` first.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Runner {
        pool::install_crash_hook();
        Runner { _private: () }
    }

    /// The catalogue: every workload with its parameters, ranges and defaults.
    #[wasm_bindgen(unchecked_return_type = "Workload[]")]
    pub fn workloads(&self) -> Result<JsValue, JsValue> {
        to_js(&WORKLOADS).map_err(|err| to_js_error(&err))
    }

    /// The pool's size, or `undefined` while it is not running.
    #[wasm_bindgen(getter)]
    pub fn threads(&self) -> Option<usize> {
        pool::ready_threads().ok()
    }

    /// Checks `name` and `params` as `run` would, without running anything: throws the same
    /// `UnknownWorkloadError` or `InvalidParamsError` (with `err.param` naming the field).
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] params: JsValue,
    ) -> Result<(), JsValue> {
        job_spec(&name, &params).map(drop).map_err(Failure::into_js)
    }

    /// Runs workload `name` with `params` (every parameter, as whole numbers) in
    /// `options.mode` ("parallel" by default), `options.repeats` times (default 1), under the
    /// job controls `signal`, `timeoutMs` and `onProgress`.
    ///
    /// Rejects with `UnknownWorkloadError`, `InvalidParamsError`, `OverBudgetError`,
    /// `PoolNotReadyError`, `AbortError`, `TimeoutError` or `EngineCrashedError`; nothing
    /// runs when the input is invalid.
    #[wasm_bindgen(unchecked_return_type = "Promise<RunReport>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RunOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let spec = job_spec(&name, &params)?;
            let (mut mode, mut repeats) = (Mode::Parallel, 1);
            let controls = parse_options(&options, "mode, repeats", |key, value| {
                match key {
                    "mode" => mode = mode_option(value)?,
                    "repeats" => repeats = repeats_option(value, 1)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            controlled(controls, |job| async move {
                engine::run_repeated(&spec, mode, repeats, 0, &job, performance_now).await
            })
            .await
        })
    }

    /// Runs workload `name` sequentially and in parallel, `options.repeats` times each
    /// (default 5, alternating modes after one warm-up each), and compares the medians.
    ///
    /// Rejects as [`Runner::run`] does.
    #[wasm_bindgen(unchecked_return_type = "Promise<Comparison>")]
    pub fn compare(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CompareOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let spec = job_spec(&name, &params)?;
            let mut repeats = 5;
            let controls = parse_options(&options, "repeats", |key, value| {
                match key {
                    "repeats" => repeats = repeats_option(value, 5)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            controlled(controls, |job| async move {
                engine::compare(&spec, repeats, &job, performance_now).await
            })
            .await
        })
    }

    /// Runs workload `name` on exactly k threads for each k of `options.threads` (default 1
    /// to the pool's size; 1 is always included), `options.repeats` times each (default 3),
    /// checks the checksums agree, and fits Amdahl's law.
    ///
    /// k is enforced with k lanes: k rayon tasks that take the job's chunks from one shared
    /// counter, so k pool threads work and the others stay idle (`threadsUsed` in each row
    /// shows how many actually ran chunks). Rows above the cores the device reports are
    /// flagged `oversubscribed`.
    ///
    /// Rejects as [`Runner::run`] does.
    #[wasm_bindgen(unchecked_return_type = "Promise<Sweep>")]
    pub fn sweep(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SweepOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let spec = job_spec(&name, &params)?;
            let (mut requested, mut repeats) = (None, 3);
            let controls = parse_options(&options, "threads, repeats", |key, value| {
                match key {
                    "threads" => requested = threads_option(value)?,
                    "repeats" => repeats = repeats_option(value, 3)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            let threads = engine::sweep_threads(requested, pool::ready_threads()?)?;
            let cores = Some(hardware_concurrency(&js_sys::global()));
            controlled(controls, |job| async move {
                engine::sweep(&spec, &threads, repeats, cores, &job, performance_now).await
            })
            .await
        })
    }
}

/// Reads an options object: the job controls, then `own(key, value)` for the method's own
/// options (it returns false for a key it does not know).
pub(super) fn parse_options(
    options: &JsValue,
    own_names: &str,
    mut own: impl FnMut(&str, &JsValue) -> Result<bool, Failure>,
) -> Result<Controls, Failure> {
    let mut controls = Controls::default();
    for (key, value) in entries(options, "options")? {
        if !controls.take(&key, &value)? && !own(&key, &value)? {
            return Err(Error::invalid(format!(
                "unknown option {key:?}; the options are {own_names}, signal, timeoutMs, onProgress"
            ))
            .with_param(key)
            .into());
        }
    }
    Ok(controls)
}

/// Runs `work` as a job wired to `controls`, and serializes its result.
///
/// # Errors
/// The job's error; `CallbackError` (with what was thrown as `cause`) when `onProgress`
/// threw, even after the job finished: then `err.result` holds the result.
async fn controlled<T, F, Fut>(controls: Controls, work: F) -> Result<JsValue, Failure>
where
    T: serde::Serialize,
    F: FnOnce(Arc<Job>) -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let job = Arc::new(Job::new());
    let watch = controls.watch(&job)?;
    let result = work(Arc::clone(&job))
        .await
        .map_err(|err| watch.explain(err.into()))?;
    let result = to_js(&result)?;
    match watch.finished() {
        Ok(()) => Ok(result),
        Err(thrown) => Err(callback_failed(thrown).with("result", result)),
    }
}

fn repeats_option(value: &JsValue, default: u32) -> Result<u32, Error> {
    Ok(integer_option(value, "repeats", 1, MAX_REPEATS)?.unwrap_or(default))
}

fn threads_option(value: &JsValue) -> Result<Option<Vec<usize>>, Failure> {
    if value.is_undefined() {
        return Ok(None);
    }
    let fail = || {
        Error::invalid(format!(
            "option \"threads\" must be an array of 1 to 256 whole numbers, e.g. [1, 2, 4], \
             got {}",
            describe(value)
        ))
        .with_param("threads")
    };
    let items = array_items(value, "threads")?;
    if items.is_empty() || items.len() > 256 {
        return Err(fail().into());
    }
    items
        .iter()
        .map(|k| match k.as_f64() {
            Some(k) if k.fract() == 0.0 && (0.0..=1e6).contains(&k) => Ok(k as usize),
            _ => Err(fail().into()),
        })
        .collect::<Result<Vec<usize>, Failure>>()
        .map(Some)
}

/// A Promise that settles with the future's value, or rejects with its failure as a JS
/// `Error`.
pub(super) fn settle<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Failure>> + 'static,
{
    future_to_promise(async move { future.await.map_err(Failure::into_js) })
}

fn job_spec(name: &JsValue, params: &JsValue) -> Result<JobSpec, Failure> {
    let name = workload_name(name)?;
    let params = raw_params(params)?;
    Ok(JobSpec::parse(&name, &params)?)
}

fn mode_option(value: &JsValue) -> Result<Mode, Error> {
    if value.is_undefined() {
        return Ok(Mode::Parallel);
    }
    match value.as_string() {
        Some(name) => Mode::parse(&name),
        None => Err(
            Error::invalid("option \"mode\" must be \"sequential\" or \"parallel\"")
                .with_param("mode"),
        ),
    }
}
