//! The `Runner` class: the catalogue, `run` and `compare`.

use std::sync::Arc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::clock::performance_now;
use super::convert::{entries, integer_option, raw_params, to_js, workload_name};
use super::errors::to_js_error;
use crate::engine::{self, pool, Ctx, JobSpec, Mode, WORKLOADS};
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
/** Options of `Runner.run`. */
export interface RunOptions {
  /** Default "parallel". */
  mode?: Mode;
  /** Timed repeats, 1..=100; default 1. */
  repeats?: number;
}
/** Options of `Runner.compare`. */
export interface CompareOptions {
  /** Timed repeats per mode, 1..=100; default 5. */
  repeats?: number;
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
        job_spec(&name, &params)
            .map(drop)
            .map_err(|err| to_js_error(&err))
    }

    /// Runs workload `name` with `params` (every parameter, as whole numbers) in
    /// `options.mode` ("parallel" by default), `options.repeats` times (default 1).
    ///
    /// Rejects with `UnknownWorkloadError`, `InvalidParamsError`, `OverBudgetError`,
    /// `PoolNotReadyError` or `EngineCrashedError`; nothing runs when the input is invalid.
    #[wasm_bindgen(unchecked_return_type = "Promise<RunReport>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] params: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RunOptions | undefined")] options: JsValue,
    ) -> Promise {
        settle(async move {
            let spec = job_spec(&name, &params)?;
            let mut mode = Mode::Parallel;
            let mut repeats = 1;
            for (key, value) in entries(&options, "options")? {
                match key.as_str() {
                    "mode" => mode = mode_option(&value)?,
                    "repeats" => {
                        repeats = integer_option(&value, "repeats", 1, MAX_REPEATS)?.unwrap_or(1)
                    }
                    _ => return Err(unknown_option(&key, "mode, repeats")),
                }
            }
            let ctx = Arc::new(Ctx::new());
            let report =
                engine::run_repeated(&spec, mode, repeats, 0, ctx, performance_now).await?;
            to_js(&report)
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
        #[wasm_bindgen(unchecked_param_type = "CompareOptions | undefined")] options: JsValue,
    ) -> Promise {
        settle(async move {
            let spec = job_spec(&name, &params)?;
            let mut repeats = 5;
            for (key, value) in entries(&options, "options")? {
                match key.as_str() {
                    "repeats" => {
                        repeats = integer_option(&value, "repeats", 1, MAX_REPEATS)?.unwrap_or(5)
                    }
                    _ => return Err(unknown_option(&key, "repeats")),
                }
            }
            let ctx = Arc::new(Ctx::new());
            let comparison = engine::compare(&spec, repeats, ctx, performance_now).await?;
            to_js(&comparison)
        })
    }
}

/// A Promise that settles with the future's value, or rejects with its error as a JS `Error`.
fn settle<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { future.await.map_err(|err| to_js_error(&err)) })
}

fn job_spec(name: &JsValue, params: &JsValue) -> Result<JobSpec, Error> {
    let name = workload_name(name)?;
    let params = raw_params(params)?;
    JobSpec::parse(&name, &params)
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

fn unknown_option(key: &str, allowed: &str) -> Error {
    Error::invalid(format!("unknown option {key:?}; the options are {allowed}")).with_param(key)
}
