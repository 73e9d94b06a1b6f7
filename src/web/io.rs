//! I/O jobs in the browser: the timer and fetch call sources, the host (clock, timers,
//! memory), and `Runner.io`.

use std::sync::Arc;

use futures_util::future::{FutureExt, LocalBoxFuture};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::clock::performance_now;
use super::controls::callback_failed;
use super::convert::{entries, js_error_message, to_js, type_name};
use super::errors::Failure;
use super::js::{fetch, AbortController, MessageChannel, Response};
use super::runner::{parse_options, Runner};
use super::url::UrlRule;
use crate::engine::StopReason;
use crate::io::{
    drive, Call, CallResult, CallSource, Host, IoControl, IoSpec, Outcome, Source, SpecValue,
};
use crate::kernels::mix;
use crate::Error;

/// The browser as an I/O host.
pub(super) struct BrowserHost;

impl Host for BrowserHost {
    fn now(&self) -> f64 {
        performance_now()
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        // Shared timers: at high concurrency, one JS timer per call would keep hundreds of
        // thousands of JS objects alive (see timers.rs).
        super::timers::sleep(ms)
    }

    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        // A message to ourselves is a macrotask without setTimeout's 4 ms clamping.
        let channel = MessageChannel::new();
        let promise = Promise::new(&mut |resolve, _| channel.port1().set_onmessage(&resolve));
        channel.port2().post_message(&JsValue::NULL);
        JsFuture::from(promise).map(drop).boxed_local()
    }

    fn memory_bytes(&self) -> u64 {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        Reflect::get(&memory.buffer(), &"byteLength".into())
            .ok()
            .and_then(|n| n.as_f64())
            .unwrap_or(0.0) as u64
    }
}

/// Simulated calls: a timer per call; latency, jitter and failures drawn from the seed.
pub(super) struct TimerSource {
    pub latency_ms: f64,
    pub jitter_ms: f64,
    pub failure_rate: f64,
    pub seed: u64,
}

impl Source for TimerSource {
    fn start(&self, index: u64, attempt: u32) -> Call {
        let draw = |salt: u64| {
            let bits = mix(self.seed
                ^ mix(index.wrapping_mul(0x9e37_79b9) ^ (u64::from(attempt) << 48) ^ salt));
            (bits >> 11) as f64 / (1u64 << 53) as f64
        };
        let latency = self.latency_ms + self.jitter_ms * draw(1);
        let fails = draw(2) < self.failure_rate;
        let outcome = Outcome {
            ok: !fails,
            error: fails.then(|| "simulated failure".to_string()),
            retryable: fails,
            ..Outcome::default()
        };
        if latency <= 0.0 {
            // A zero-latency call ends at once: no timer, so the limiter's own cost shows.
            return Call::Ready(outcome);
        }
        Call::Pending(
            BrowserHost
                .sleep(latency)
                .map(move |()| outcome)
                .boxed_local(),
        )
    }
}

/// HTTP GETs of a URL template; optionally keeps the bodies (for the pipeline).
pub(super) struct FetchSource {
    pub url: UrlRule,
    pub bodies: Option<std::rc::Rc<std::cell::RefCell<Vec<Vec<u8>>>>>,
}

impl Source for FetchSource {
    fn start(&self, index: u64, _attempt: u32) -> Call {
        let url = match self.url.call_url(index) {
            Ok(url) => url,
            Err(error) => {
                return Call::Ready(Outcome {
                    error: Some(error),
                    ..Outcome::default()
                })
            }
        };
        let bodies = self.bodies.clone();
        let controller = AbortController::new();
        let init = js_sys::Object::new();
        let _ = Reflect::set(&init, &"signal".into(), &controller.signal());
        let request = fetch(&url, &init);
        // Dropping the call (a per-call timeout, or the job stopping) aborts the request.
        let guard = AbortOnDrop(Some(controller));
        Call::Pending(
            async move {
                let outcome = fetch_outcome(request, index, bodies).await;
                guard.disarm();
                outcome
            }
            .boxed_local(),
        )
    }
}

async fn fetch_outcome(
    request: Promise,
    index: u64,
    bodies: Option<std::rc::Rc<std::cell::RefCell<Vec<Vec<u8>>>>>,
) -> Outcome {
    let failure = |error: String, status: Option<u16>, retryable: bool| Outcome {
        error: Some(error),
        status,
        retryable,
        ..Outcome::default()
    };
    let response: Response = match JsFuture::from(request).await {
        Ok(response) => response.unchecked_into(),
        Err(err) => return failure(js_error_message(&err), None, true),
    };
    let status = response.status();
    let body = match JsFuture::from(response.array_buffer()).await {
        Ok(body) => js_sys::Uint8Array::new(&body),
        Err(err) => return failure(js_error_message(&err), Some(status), true),
    };
    if !(200..300).contains(&status) {
        let retryable = status >= 500 || status == 429;
        return failure(format!("HTTP {status}"), Some(status), retryable);
    }
    if let Some(bodies) = bodies {
        if let Some(slot) = bodies.borrow_mut().get_mut(index as usize) {
            *slot = body.to_vec();
        }
    }
    Outcome {
        ok: true,
        bytes: u64::from(body.length()),
        status: Some(status),
        ..Outcome::default()
    }
}

/// Aborts a fetch unless disarmed.
struct AbortOnDrop(Option<AbortController>);

impl AbortOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

/// The spec object as key/value pairs.
pub(super) fn spec_entries(spec: &JsValue) -> Result<Vec<(String, SpecValue)>, Failure> {
    if spec.is_undefined() {
        return Err(Error::invalid(
            "runner.io needs a spec, e.g. { calls: 1000, latencyMs: 100, concurrency: 50 }",
        )
        .into());
    }
    Ok(entries(spec, "the I/O spec")?
        .into_iter()
        .map(|(key, value)| {
            let value = match (value.as_f64(), value.as_string()) {
                (Some(n), _) => SpecValue::Number(n),
                (_, Some(s)) => SpecValue::Text(s),
                _ => SpecValue::Other(type_name(&value)),
            };
            (key, value)
        })
        .collect())
}

/// The source a spec names.
///
/// # Errors
/// `InvalidParams` for a fetch URL that breaks the rule of [`UrlRule`].
pub(super) fn source_of(spec: &IoSpec) -> Result<Box<dyn Source>, Error> {
    Ok(match &spec.source {
        CallSource::Timer {
            latency_ms,
            jitter_ms,
            failure_rate,
            seed,
        } => Box::new(TimerSource {
            latency_ms: *latency_ms,
            jitter_ms: *jitter_ms,
            failure_rate: *failure_rate,
            seed: *seed,
        }),
        CallSource::Fetch { url } => Box::new(FetchSource {
            url: UrlRule::new(url)?,
            bodies: None,
        }),
    })
}

/// The rejection of a stopped I/O job: `AbortError`, `TimeoutError` or `CallbackError`, with
/// the report of what was done before the stop in `err.report`.
fn stopped_failure(reason: StopReason, report: JsValue) -> Failure {
    let stopped = reason.into_error("the I/O job");
    Failure::from(Error::new(
        stopped.kind(),
        format!("{}; err.report counts what was done", stopped.message()),
    ))
    .with("report", report)
}

#[wasm_bindgen]
impl Runner {
    /// Makes `spec.calls` calls concurrently on this thread's event loop (I/O waits; threads
    /// would not help) under the spec's limits, and resolves with an `IoReport`.
    ///
    /// `options`: `onBatch(results)` receives the results in batches of `spec.batchSize`, in
    /// completion order, each with its input `index` (then they are dropped, so memory stays
    /// flat); `signal`, `timeoutMs` (the whole job) and `onProgress` as for every job.
    /// Aborting stops new calls, aborts the fetches in flight, delivers the results already
    /// settled, and rejects with `AbortError` (`TimeoutError` for `timeoutMs`) whose `report`
    /// counts succeeded, failed and cancelled calls.
    #[wasm_bindgen(unchecked_return_type = "Promise<IoReport>")]
    pub fn io(
        &self,
        #[wasm_bindgen(unchecked_param_type = "IoSpec")] spec: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "IoOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        future_to_promise(async move { run_io(spec, options).await.map_err(Failure::into_js) })
    }
}

async fn run_io(spec: JsValue, options: JsValue) -> Result<JsValue, Failure> {
    let (spec, on_batch, controls) = io_input(&spec, &options)?;
    let source = source_of(&spec)?;
    let control = Arc::new(IoControl::new(spec.plan.calls));
    let watch = controls.watch(&control)?;
    let thrown = watch.thrown_slot();
    let mut deliver = |batch: Vec<CallResult>| {
        // Without a callback the batch is only counted: no JS objects are made. A callback
        // that threw gets nothing more, and the job stops.
        let Some(callback) = &on_batch else { return };
        if thrown.borrow().is_some() {
            return;
        }
        if let Ok(batch) = to_js(&batch) {
            if let Err(error) = callback.call1(&JsValue::NULL, &batch) {
                *thrown.borrow_mut() = Some(error);
                control.cancel(StopReason::CallbackFailed);
            }
        }
    };
    let report = drive(&spec, &*source, &BrowserHost, &control, &mut deliver).await;
    let report = to_js(&report)?;
    match control.stop_reason() {
        None => match watch.finished() {
            Ok(()) => Ok(report),
            Err(thrown) => Err(callback_failed(thrown).with("report", report)),
        },
        Some(reason) => Err(watch.explain(stopped_failure(reason, report))),
    }
}

type IoInput = (IoSpec, Option<js_sys::Function>, super::controls::Controls);

fn io_input(spec: &JsValue, options: &JsValue) -> Result<IoInput, Failure> {
    let spec = IoSpec::parse(&spec_entries(spec)?)?;
    let mut on_batch = None;
    let controls = parse_options(options, "onBatch", |key, value| {
        if key != "onBatch" {
            return Ok(false);
        }
        if !value.is_undefined() {
            on_batch = Some(value.clone().dyn_into::<js_sys::Function>().map_err(|_| {
                Error::invalid(format!(
                    "option \"onBatch\" must be a function, got a {}",
                    type_name(value)
                ))
                .with_param("onBatch")
            })?);
        }
        Ok(true)
    })?;
    Ok((spec, on_batch, controls))
}
