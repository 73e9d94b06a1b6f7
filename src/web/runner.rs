//! The `Runner` class: the catalogue, `run` and `compare`.

use std::sync::Arc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::clock::{mark_page_origin, performance_now, shared_clock};
use super::controls::{callback_failed, Controls};
use super::convert::{
    array_items, describe, entries, fill_checksums, integer_option, not_plain_object, raw_params,
    threw_while_read, to_js, workload_name,
};
use super::errors::{to_js_error, Failure};
use super::input::{output_to_js, plan, split_input, target_of, Loaded, Plan, Target};
use super::pool::hardware_concurrency;
use crate::engine::{self, pool, Job, JobSpec, Mode, Produced, RawValue};
use crate::Error;

/// Most timed repeats of one mode.
const MAX_REPEATS: u32 = 100;

// The declarations of what crosses the boundary without a Rust type serde describes; the
// rest come from the Rust types' `tsify` derives.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("boundary.d.ts");

/// The TypeScript declarations of the catalogue's workloads (params, inputs and outputs by
/// name): the package's build (`scripts/workload-types.mjs`) appends them to
/// `webpar_core.d.ts`. Not part of the package's API.
#[doc(hidden)]
#[wasm_bindgen(js_name = workloadDeclarations)]
pub fn workload_declarations() -> String {
    engine::declarations()
}

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
        /// A workload of the catalogue; `registered`: whether another crate added it
        /// (`webpar::engine::register`), rather than built in.
        #[derive(serde::Serialize, tsify::Tsify)]
        #[tsify(rename = "Workload", type = "WorkloadSpec & { registered: boolean }")]
        struct Entry {
            #[serde(flatten)]
            workload: &'static engine::Workload,
            /// Whether another crate added it (`webpar::engine::register`), rather than
            /// built in.
            registered: bool,
        }
        let entries: Vec<Entry> = engine::workloads()
            .into_iter()
            .map(|workload| Entry {
                workload,
                registered: !workload.is_built_in(),
            })
            .collect();
        to_js(&entries).map_err(|err| to_js_error(&err))
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
        #[wasm_bindgen(unchecked_param_type = "Params")] params: JsValue,
    ) -> Result<(), JsValue> {
        check_job(&name, &params)
            .map(drop)
            .map_err(Failure::into_js)
    }

    /// Runs workload `name` with `params` (every parameter, as whole numbers) or with the
    /// app's own data as `{ input }` (then the report's `output` is the real output), in
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
        #[wasm_bindgen(unchecked_param_type = "Params")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RunOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let (spec, input) = prepare(check_job(&name, &params)?).await?;
            let (mut mode, mut repeats) = (Mode::Parallel, 1);
            let controls = parse_options(&options, "mode, repeats", |key, value| {
                match key {
                    "mode" => mode = mode_option(value)?,
                    "repeats" => repeats = repeats_option(value, 1)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            let work = |job: Arc<Job>| async move {
                engine::run_repeated(&spec, mode, repeats, 0, &job, performance_now).await
            };
            controlled(controls, work, input, |report| report.output.take()).await
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
        #[wasm_bindgen(unchecked_param_type = "Params")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CompareOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let (spec, input) = prepare(check_job(&name, &params)?).await?;
            let mut repeats = 5;
            let controls = parse_options(&options, "repeats", |key, value| {
                match key {
                    "repeats" => repeats = repeats_option(value, 5)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            let work = |job: Arc<Job>| async move {
                engine::compare(&spec, repeats, &job, performance_now).await
            };
            // Both modes computed the same output (the checksums say so): the parallel one's.
            controlled(controls, work, input, |cmp| {
                cmp.runs.first_mut().and_then(|run| run.output.take());
                cmp.runs.last_mut().and_then(|run| run.output.take())
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
        #[wasm_bindgen(unchecked_param_type = "Params")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SweepOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let (spec, input) = prepare(check_job(&name, &params)?).await?;
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
            let work = |job: Arc<Job>| async move {
                engine::sweep(&spec, &threads, repeats, cores, &job, performance_now).await
            };
            controlled(controls, work, input, |_| None).await
        })
    }
}

#[wasm_bindgen]
impl Runner {
    /// Runs workload `name` on each of `items` (each a params object or `{ input }`) in one
    /// hop to the pool, and resolves with one result per item, in order: the real output for
    /// an input, the checksum (a decimal string) for generated params, or the item's own
    /// typed `Error` (an item's failure does not fail the others). In "parallel" mode (the
    /// default) the items spread over the pool, each running sequentially on one thread.
    /// This is what `runner.map` sends its chunks through. With `timeline: true` the array's
    /// `timeline` property holds the batch's timeline (each run of items a chunk).
    ///
    /// Rejects as [`Runner::run`] does for the batch as a whole: `signal`, `timeoutMs`,
    /// memory budget, pool not ready, engine crashed.
    #[wasm_bindgen(js_name = runBatch, unchecked_return_type = "Promise<unknown[]>")]
    pub fn run_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Params[]")] items: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RunOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let name = workload_name(&name)?;
            engine::find_workload(&name)?;
            let mut mode = Mode::Parallel;
            let controls = parse_options(&options, "mode", |key, value| {
                match key {
                    "mode" => mode = mode_option(value)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            let batch = read_batch(&items)?;
            // Each item's own failure takes its place; the others run.
            let mut failed: Vec<(usize, JsValue)> = Vec::new();
            let mut specs = Vec::with_capacity(batch.len());
            let mut slots = Vec::with_capacity(batch.len());
            let mut admissions = Vec::new();
            let mut targets = Vec::with_capacity(batch.len());
            for (index, item) in batch.into_iter().enumerate() {
                let prepared = match item {
                    BatchItem::Params(params) => JobSpec::parse(&name, &params)
                        .map(|spec| (spec, None))
                        .map_err(Failure::from),
                    BatchItem::Whole(item) => match check_params(&name, &item) {
                        Ok(checked) => prepare(checked).await,
                        Err(failure) => Err(failure),
                    },
                    BatchItem::Failed(failure) => Err(failure),
                };
                match prepared {
                    Ok((spec, mut admission)) => {
                        slots.push(index);
                        specs.push(spec);
                        targets.push(admission.as_mut().and_then(|loaded| loaded.target.take()));
                        admissions.extend(admission);
                    }
                    Err(failure) => failed.push((index, failure.into_js())),
                }
            }
            let job = Arc::new(Job::new());
            if controls.timeline() {
                mark_page_origin();
                job.record_timeline(shared_clock);
            }
            let watch = controls.watch(&job)?;
            let (results, timed) = engine::run_items(specs, mode, &job, performance_now)
                .await
                .map_err(|err| watch.explain(err.into()))?;
            drop(admissions);
            let out = js_sys::Array::new_with_length((failed.len() + slots.len()) as u32);
            for (index, error) in failed {
                out.set(index as u32, error);
            }
            // Checksums (most results of tiny tasks) become strings in one call.
            let (mut summed, mut checksums) = (Vec::new(), Vec::new());
            for ((index, result), target) in slots.into_iter().zip(results).zip(targets) {
                let value = match result {
                    Ok((Some(output), _)) => {
                        output_to_js(output, target.as_ref()).unwrap_or_else(Failure::into_js)
                    }
                    Ok((None, checksum)) => {
                        summed.push(index as u32);
                        checksums.push(checksum);
                        continue;
                    }
                    Err(err) => to_js_error(&err),
                };
                out.set(index as u32, value);
            }
            fill_checksums(&out, &summed, &checksums);
            // Asked for with `timeline: true`: the batch's runs of items, on the array.
            if let Some(timeline) = timed.timeline {
                let _ = js_sys::Reflect::set(&out, &"timeline".into(), &to_js(&timeline)?);
            }
            match watch.finished() {
                Ok(()) => Ok(out.into()),
                Err(thrown) => Err(callback_failed(thrown).with("result", out.into())),
            }
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
                "unknown option {key:?}; the options are {own_names}, signal, timeoutMs, onProgress, \
                 timeline"
            ))
            .with_param(key)
            .into());
        }
    }
    Ok(controls)
}

/// Runs `work` as a job wired to `controls`, and serializes its result, with the real output
/// (taken from it by `output`) as its `output` property when there is one.
///
/// # Errors
/// The job's error; `CallbackError` (with what was thrown as `cause`) when `onProgress`
/// threw, even after the job finished: then `err.result` holds the result.
pub(super) async fn controlled<T, F, Fut>(
    controls: Controls,
    work: F,
    input: Option<Loaded>,
    output: impl FnOnce(&mut T) -> Option<Produced>,
) -> Result<JsValue, Failure>
where
    T: serde::Serialize,
    F: FnOnce(Arc<Job>) -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let job = Arc::new(Job::new());
    if controls.timeline() {
        mark_page_origin();
        job.record_timeline(shared_clock);
    }
    let watch = controls.watch(&job)?;
    let mut result = work(Arc::clone(&job))
        .await
        .map_err(|err| watch.explain(err.into()))?;
    let produced = output(&mut result);
    let result = to_js(&result)?;
    if let Some(produced) = produced {
        let (bytes, started) = (produced.bytes(), performance_now());
        let target = input.as_ref().and_then(|loaded| loaded.target.as_ref());
        let value = output_to_js(produced, target)?;
        let out_ms = performance_now() - started;
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&result, &key.into(), value);
        let _ = set("output", &value);
        // What moving the data cost: one copy in, one copy out.
        let copy = js_sys::Object::new();
        let (in_ms, in_bytes) = input.as_ref().map_or((0.0, 0), |i| (i.copy_ms, i.bytes));
        for (key, number) in [
            ("inMs", in_ms),
            ("inBytes", in_bytes as f64),
            ("outMs", out_ms),
            ("outBytes", bytes as f64),
        ] {
            let _ = js_sys::Reflect::set(&copy, &key.into(), &number.into());
        }
        let _ = set("copy", &copy);
    }
    drop(input);
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

/// A checked job: generated params, or an app's input that is not copied yet (and where its
/// output goes, when the app gave an `into`).
pub(super) enum Checked {
    Spec(JobSpec),
    Input(String, Plan, Option<Target>),
}

/// Checks a workload name and its params (or its `input`) without copying any data.
pub(super) fn check_job(name: &JsValue, params: &JsValue) -> Result<Checked, Failure> {
    check_params(&workload_name(name)?, params)
}

/// One item of a batch, as `read_batch` found it.
enum BatchItem {
    /// A params object's entries.
    Params(Vec<(String, RawValue)>),
    /// An item to read on its own (it has an `input`).
    Whole(JsValue),
    /// An item that is not a params object, or whose reading threw.
    Failed(Failure),
}

/// The items of a batch (an array of params objects), read with one call into JS rather
/// than a handful per item; a read of the array itself that throws fails the batch.
fn read_batch(items: &JsValue) -> Result<Vec<BatchItem>, Failure> {
    let threw = |thrown| threw_while_read("items", thrown).with_param("items");
    let read = super::js::read_batch(items, super::input::MAX_ITEMS as f64).map_err(threw)?;
    if read.is_undefined() {
        // Not an array, or too long: the item-by-item reader says which.
        super::input::list_items(items, "items")?;
        return Ok(Vec::new());
    }
    // Fields of an object made by data.js: reading them runs no caller code.
    let field = |key: &str| Reflect::get(&read, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let counts = js_sys::Int32Array::from(field("counts")).to_vec();
    let keys: Vec<String> = js_sys::Array::from(&field("keys"))
        .iter()
        .map(|key| key.as_string().unwrap_or_default())
        .collect();
    let pair_keys = js_sys::Uint32Array::from(field("pairKeys")).to_vec();
    let numbers = js_sys::Float64Array::from(field("numbers")).to_vec();
    let others = js_sys::Array::from(&field("others"));
    let mut other_types = std::collections::HashMap::new();
    for at in (0..others.length()).step_by(2) {
        let pair = others.get(at).as_f64().unwrap_or(-1.0) as usize;
        other_types.insert(pair, others.get(at + 1).as_string().unwrap_or_default());
    }
    let special = js_sys::Array::from(&field("special"));
    let mut specials = (0..special.length())
        .step_by(2)
        .map(|at| special.get(at + 1));
    let mut pair = 0;
    let mut batch = Vec::with_capacity(counts.len());
    for count in counts {
        batch.push(match count {
            -1 => BatchItem::Failed(not_plain_object(
                "params",
                &specials.next().unwrap_or_default(),
            )),
            -2 => BatchItem::Failed(threw_while_read(
                "params",
                specials.next().unwrap_or_default(),
            )),
            -3 => BatchItem::Whole(specials.next().unwrap_or_default()),
            count => {
                let params = (pair..pair + count.max(0) as usize)
                    .map(|at| {
                        let key = keys[pair_keys[at] as usize].clone();
                        match other_types.remove(&at) {
                            Some(kind) => (key, RawValue::Other(kind)),
                            None => (key, RawValue::Number(numbers[at])),
                        }
                    })
                    .collect();
                pair += count.max(0) as usize;
                BatchItem::Params(params)
            }
        });
    }
    Ok(batch)
}

/// As [`check_job`], with the workload's name read already.
fn check_params(name: &str, params: &JsValue) -> Result<Checked, Failure> {
    let name = name.to_string();
    let (input, rest) = split_input(entries(params, "params")?);
    if let Some(input) = input {
        let workload = engine::find_workload(&name)?;
        let (into, rest): (Vec<_>, Vec<_>) = rest.into_iter().partition(|(key, _)| key == "into");
        let plan = plan(workload, &input, &rest)?;
        let target = match into.into_iter().next() {
            Some((_, into)) if !into.is_undefined() => Some(target_of(&name, &plan, &into)?),
            _ => None,
        };
        return Ok(Checked::Input(name.clone(), plan, target));
    }
    Ok(Checked::Spec(JobSpec::parse(&name, &raw_params(rest))?))
}

/// The job to run: an input is copied into wasm memory now, its memory held by the
/// returned admission until the job ends.
pub(super) async fn prepare(checked: Checked) -> Result<(JobSpec, Option<Loaded>), Failure> {
    match checked {
        Checked::Spec(spec) => Ok((spec, None)),
        Checked::Input(name, plan, target) => {
            let (spec, mut loaded) = plan.load(&name).await?;
            loaded.target = target;
            Ok((spec, Some(loaded)))
        }
    }
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

/// The thread counts of a sweep over `pool_size` workers, as `Runner.sweep` checks its
/// `threads` option: for the process pool's sweep (webpar.js).
#[doc(hidden)]
#[wasm_bindgen(js_name = sweepCounts)]
pub fn sweep_counts(
    #[wasm_bindgen(unchecked_param_type = "number[] | undefined")] threads: JsValue,
    pool_size: usize,
) -> Result<Vec<usize>, JsValue> {
    let requested = threads_option(&threads).map_err(Failure::into_js)?;
    engine::sweep_threads(requested, pool_size).map_err(|err| to_js_error(&err))
}

/// One thread count's runs of a sweep made on the JS side (the process pool's sweep).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SweptRun {
    threads: usize,
    threads_used: usize,
    checksum: String,
    times_ms: Vec<f64>,
}

/// A `Sweep` (rows, Amdahl fit, oversubscription note) from runs timed on the JS side: `runs`
/// is `[{ threads, threadsUsed, checksum, timesMs }]`, one per thread count.
#[doc(hidden)]
#[wasm_bindgen(js_name = sweepOfRuns, unchecked_return_type = "Sweep")]
pub fn sweep_of_runs(
    #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Params")] params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "object[]")] runs: JsValue,
    repeats: u32,
    cores: Option<usize>,
) -> Result<JsValue, JsValue> {
    let spec = match check_job(&name, &params).map_err(Failure::into_js)? {
        Checked::Spec(spec) => spec,
        Checked::Input(..) => {
            return Err(to_js_error(&Error::invalid(
                "a sweep runs generated params, not an input",
            )))
        }
    };
    let runs: Vec<SweptRun> = serde_wasm_bindgen::from_value(runs)
        .map_err(|err| to_js_error(&Error::invalid(format!("sweep runs: {err}"))))?;
    let reports = runs
        .into_iter()
        .map(|run| {
            let summary = engine::Summary::of(&run.times_ms)
                .ok_or_else(|| to_js_error(&Error::invalid("a sweep row has no timing")))?;
            Ok(engine::RunReport {
                workload: spec.workload.name,
                params: spec.named_values(),
                mode: Mode::Threads(run.threads),
                threads: run.threads,
                threads_used: run.threads_used,
                checksum: run.checksum,
                deterministic: true,
                times_ms: run.times_ms,
                summary,
                timeline: None,
                output: None,
            })
        })
        .collect::<Result<Vec<_>, JsValue>>()?;
    to_js(&engine::Sweep::new(reports, repeats, cores)).map_err(|err| to_js_error(&err))
}
