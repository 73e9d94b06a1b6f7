//! `Runner.pipeline`: the fetch-then-compute pipeline in the browser.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::clock::performance_now;
use super::controls::callback_failed;
use super::convert::to_js;
use super::errors::Failure;
use super::io::{spec_entries, BrowserHost, FetchSource};
use super::runner::{parse_options, Runner};
use super::url::UrlRule;
use crate::engine::{self, spin_lock, Job, Mode, StopReason, Stoppable, GLOBAL_BUDGET};
use crate::io::{drive, IoControl, PipelinePhases, PipelineReport, PipelineSpec};
use crate::kernels::wordcount;
use crate::{Error, ErrorKind};

/// The controls of a pipeline: its CPU job and the I/O job of the current phase.
#[derive(Default)]
struct PipelineControl {
    job: Job,
    io: Mutex<Option<Arc<IoControl>>>,
    phases_done: AtomicU64,
}

/// Phases of a pipeline: fetch and process, twice.
const PHASES: f64 = 4.0;

impl Stoppable for PipelineControl {
    fn stop(&self, reason: StopReason) {
        self.job.cancel(reason);
        if let Some(io) = spin_lock(&self.io).as_ref() {
            io.cancel(reason);
        }
    }

    fn fraction_done(&self) -> f64 {
        let current = spin_lock(&self.io).as_ref().map_or(0.0, |io| io.progress());
        (self.phases_done.load(Ordering::Relaxed) as f64 + current) / PHASES
    }
}

#[wasm_bindgen]
impl Runner {
    /// The fetch-then-compute pipeline: fetches `spec.docs` documents of `spec.bytes` from
    /// the dev server's `/api/doc` (each after `spec.latencyMs`), then counts their words and
    /// hashes them on the pool; once with one fetch at a time and one thread, once with
    /// `spec.concurrency` fetches in flight and the whole pool. Resolves with both runs'
    /// I/O and CPU times. Takes `signal`, `timeoutMs` and `onProgress`.
    #[wasm_bindgen(unchecked_return_type = "Promise<PipelineReport>")]
    pub fn pipeline(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PipelineSpec")] spec: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "JobControls")] options: Option<JsValue>,
    ) -> Promise {
        let spec = spec.unwrap_or(JsValue::UNDEFINED);
        let options = options.unwrap_or(JsValue::UNDEFINED);
        future_to_promise(
            async move { run_pipeline(spec, options).await.map_err(Failure::into_js) },
        )
    }
}

async fn run_pipeline(spec: JsValue, options: JsValue) -> Result<JsValue, Failure> {
    let spec = if spec.is_undefined() {
        PipelineSpec::parse(&[])?
    } else {
        PipelineSpec::parse(&spec_entries(&spec)?)?
    };
    let controls = parse_options(&options, "(none of its own)", |_, _| Ok(false))?;
    let pool_threads = engine::pool::ready_threads()?;
    // Both runs' documents are held at once at most during the CPU phase of one run.
    let _admission = GLOBAL_BUDGET.admit(spec.memory_bytes(), "the pipeline's documents")?;
    let control = Arc::new(PipelineControl::default());
    let watch = controls.watch(&control)?;
    control.job.set_runs(2);
    let explain = |err: Error| watch.explain(err.into());
    let (sequential, words) = run_once(&spec, &control, 1, Mode::Sequential, pool_threads)
        .await
        .map_err(explain)?;
    let (concurrent, _) = run_once(
        &spec,
        &control,
        spec.concurrency,
        Mode::Parallel,
        pool_threads,
    )
    .await
    .map_err(explain)?;
    let report = to_js(&PipelineReport::new(
        spec.docs, spec.bytes, words, sequential, concurrent,
    ))?;
    match watch.finished() {
        Ok(()) => Ok(report),
        Err(thrown) => Err(callback_failed(thrown).with("result", report)),
    }
}

/// One run: fetch at `concurrency`, then process in `mode`.
async fn run_once(
    spec: &PipelineSpec,
    control: &PipelineControl,
    concurrency: u32,
    mode: Mode,
    pool_threads: usize,
) -> Result<(PipelinePhases, u64), Error> {
    let job = spec.fetch_job(concurrency);
    let bodies = Rc::new(RefCell::new(vec![Vec::new(); spec.docs as usize]));
    let source = FetchSource {
        url: UrlRule::new(&spec.url())?,
        bodies: Some(Rc::clone(&bodies)),
        request: Rc::default(),
    };
    let io = Arc::new(IoControl::new(spec.docs));
    *spin_lock(&control.io) = Some(Arc::clone(&io));
    control.job.check()?;
    let started = performance_now();
    let report = drive(&job, &source, &BrowserHost, &io, &mut |_| {}).await;
    let fetched = performance_now();
    *spin_lock(&control.io) = None;
    control.phases_done.fetch_add(1, Ordering::Relaxed);
    if let Some(reason) = io.stop_reason() {
        return Err(reason.into_error("the pipeline"));
    }
    if report.failed > 0 {
        return Err(Error::new(
            ErrorKind::InvalidParams,
            format!(
                "{} of {} documents could not be fetched ({}); the pipeline needs the dev \
                 server's /api/doc (./build.sh serve)",
                report.failed,
                report.calls,
                report.first_errors.join("; ")
            ),
        ));
    }
    let docs = bodies.take();
    // The words are counted on the pool with everything else; the task hands them back here.
    let words = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&words);
    let timed = engine::run_task(mode, &control.job, performance_now, move |ctx| {
        let result = wordcount::run(&docs, ctx, mode)?;
        counted.store(result.words, Ordering::Relaxed);
        Ok(result.output)
    })
    .await?;
    let processed = performance_now();
    control.phases_done.fetch_add(1, Ordering::Relaxed);
    let phases = PipelinePhases {
        concurrency,
        threads: mode.threads(pool_threads),
        io_ms: fetched - started,
        cpu_ms: processed - fetched,
        total_ms: processed - started,
        checksum: timed.output.checksum.to_string(),
    };
    Ok((phases, words.load(Ordering::Relaxed)))
}
