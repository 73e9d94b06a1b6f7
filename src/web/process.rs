//! What one isolated worker of the processes backend runs: a whole job, or one part of it,
//! on the worker's own thread, in an instance of the build without shared memory
//! (`webpar_single.js`). `processes.js` splits jobs into parts, hands them out and adds the
//! parts' checksums up.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::clock::{performance_now, shared_clock};
use super::convert::{decimal, describe, to_js};
use super::errors::Failure;
use super::input::output_to_js;
use super::runner::{check_job, prepare, settle};
use crate::engine::{pool, Ctx, Mode, GLOBAL_BUDGET};
use crate::Error;

/// Most parts a job splits into.
const MAX_PARTS: u32 = 4096;

/// Runs workload `name` with `params` (or `{ input }`) on the calling worker's thread, whole
/// (`part` undefined) or part `part[0]` of `part[1]` (workloads whose `splits` is true only),
/// calling `on_progress` with the finished fraction of the whole job at every checkpoint,
/// recording its chunks when `timeline` is true, and resolves with
/// `{ checksum, ms, params, output?, copy?, timeline? }` (the timeline in milliseconds since
/// the epoch): the checksum as a decimal
/// string (a part's: the parts' wrapping sum is the job's), the kernel's milliseconds, the
/// validated params, and for an input the real output and what copying it cost.
///
/// Blocks its thread while the kernel runs: for the workers of the processes backend only,
/// never the page's main thread. Rejects with the typed errors of `Runner.run`.
#[doc(hidden)]
#[wasm_bindgen(js_name = runInProcess, unchecked_return_type = "Promise<object>")]
pub fn run_in_process(
    #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    #[wasm_bindgen(unchecked_param_type = "object")] params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "[number, number] | undefined")] part: JsValue,
    #[wasm_bindgen(unchecked_param_type = "((fraction: number) => void) | undefined")]
    on_progress: JsValue,
    timeline: Option<bool>,
) -> Promise {
    pool::install_crash_hook();
    settle(async move {
        let (spec, input) = prepare(check_job(&name, &params)?).await?;
        let mode = part_mode(&part)?;
        if matches!(mode, Mode::Part { .. }) && !spec.workload.splits {
            return Err(Error::invalid(format!(
                "{} does not split into parts: run it whole",
                spec.workload.name
            ))
            .into());
        }
        let _admission = GLOBAL_BUDGET.admit(spec.memory_bytes(), spec.workload.name)?;
        let started = performance_now();
        ON_PROGRESS.set(on_progress.dyn_into::<js_sys::Function>().ok());
        let mut ctx = Ctx::watched(report_progress);
        if timeline == Some(true) {
            ctx = ctx.recording(shared_clock);
        }
        let recorded_start = shared_clock();
        let ran = spec.run(&ctx, mode);
        ON_PROGRESS.set(None);
        let (produced, checksum) = ran?;
        let ms = performance_now() - started;
        // Milliseconds since the epoch: this instance has no page to take a clock from.
        let timeline = ctx
            .recorder()
            .map(|recorder| recorder.finish(recorded_start, shared_clock(), 1));
        let result = Object::new();
        let set = |key: &str, value: &JsValue| Reflect::set(&result, &key.into(), value);
        let _ = set("checksum", &decimal(checksum));
        let _ = set("ms", &ms.into());
        let _ = set("params", &to_js(&spec.named_values())?);
        if let Some(timeline) = timeline {
            let _ = set("timeline", &to_js(&timeline)?);
        }
        if let Some(produced) = produced {
            let (bytes, started) = (produced.bytes(), performance_now());
            let target = input.as_ref().and_then(|loaded| loaded.target.as_ref());
            let _ = set("output", &output_to_js(produced, target)?);
            let copy = Object::new();
            let (in_ms, in_bytes) = input.as_ref().map_or((0.0, 0), |i| (i.copy_ms, i.bytes));
            for (key, number) in [
                ("inMs", in_ms),
                ("inBytes", in_bytes as f64),
                ("outMs", performance_now() - started),
                ("outBytes", bytes as f64),
            ] {
                let _ = Reflect::set(&copy, &key.into(), &number.into());
            }
            let _ = set("copy", &copy.into());
        }
        Ok(result.into())
    })
}

thread_local! {
    /// The progress callback of the job running on this thread (one at a time).
    static ON_PROGRESS: std::cell::RefCell<Option<js_sys::Function>> =
        const { std::cell::RefCell::new(None) };
}

/// Hands a checkpoint's fraction (of the whole job, for a part too) to the running job's
/// callback; what the callback throws is dropped: progress never stops a job.
fn report_progress(fraction: f64) {
    ON_PROGRESS.with_borrow(|callback| {
        if let Some(callback) = callback {
            let _ = callback.call1(&JsValue::NULL, &fraction.into());
        }
    });
}

fn part_mode(part: &JsValue) -> Result<Mode, Failure> {
    if part.is_undefined() {
        return Ok(Mode::Sequential);
    }
    let fail = || {
        Failure::from(Error::invalid(format!(
            "part must be [index, of] with 0 <= index < of <= {MAX_PARTS}, got {}",
            describe(part)
        )))
    };
    let pair = js_sys::Array::from(part);
    if !js_sys::Array::is_array(part) || pair.length() != 2 {
        return Err(fail());
    }
    let whole = |value: JsValue| {
        value
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(MAX_PARTS)).contains(n))
            .map(|n| n as u32)
    };
    match (whole(pair.get(0)), whole(pair.get(1))) {
        (Some(index), Some(of)) if index < of => Ok(Mode::Part { index, of }),
        _ => Err(fail()),
    }
}

/// The message of the last panic in this instance, if one was recorded: what a worker reports
/// after its instance trapped.
#[doc(hidden)]
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    pool::crash_message()
}

/// Crashes this instance on purpose, for the tests of crash recovery: `"panic"` (a Rust
/// panic: its message and location are reported), `"unreachable"` (a bare trap), `"oom"`
/// (memory runs out). Never call it in an app.
#[doc(hidden)]
#[wasm_bindgen(js_name = crashForTests)]
pub fn crash_for_tests(kind: &str) {
    pool::install_crash_hook();
    crash(kind);
}

/// Crashes one thread of the running thread pool on purpose (threads backend), in the ways of
/// [`crash_for_tests`], for the tests of the engine's restart. Never call it in an app.
#[doc(hidden)]
#[wasm_bindgen(js_name = crashPoolForTests)]
pub fn crash_pool_for_tests(kind: String) {
    pool::install_crash_hook();
    pool::spawn(move || crash(&kind));
}

/// Whether this instance's engine crashed (a panic was recorded): the package's entry then
/// restarts it.
#[doc(hidden)]
#[wasm_bindgen(js_name = engineCrashed)]
pub fn engine_crashed() -> bool {
    pool::is_crashed()
}

/// Marks this instance's engine crashed with `cause` and fails its pending jobs with
/// `EngineCrashedError`: the package's entry calls it when a pool thread trapped without a
/// panic, before it makes a new instance.
#[doc(hidden)]
#[wasm_bindgen(js_name = engineCrashedBy)]
pub fn engine_crashed_by(cause: &str) {
    pool::crashed(cause);
}

fn crash(kind: &str) {
    match kind {
        "unreachable" => std::process::abort(),
        "oom" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                // Touched, so that the memory is really taken.
                hoard.push(vec![1u8; 64 << 20]);
            }
        }
        _ => panic!("webpar crashForTests: a panic on demand ({kind})"),
    }
}
