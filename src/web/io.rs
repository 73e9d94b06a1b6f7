//! I/O jobs in the browser: the timer and fetch call sources, the host (clock, timers,
//! memory), and `Runner.io`.

use crate::with_article;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use futures_util::future::{FutureExt, LocalBoxFuture};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::clock::performance_now;
use super::controls::callback_failed;
use super::controls::Thrown;
use super::convert::{describe, entries, js_error_message, to_js, type_name};
use super::errors::Failure;
use super::js::{
    fetch, is_array, json_parse, AbortController, MessageChannel, Response, TextDecoder,
};
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
        JsFuture::from(promise)
            .map(move |_| channel.port1().close())
            .boxed_local()
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

/// HTTP requests of a URL template; optionally keeps the bodies (for the pipeline), or hands
/// them to `onBatch` as text, JSON or bytes (`as`).
pub(super) struct FetchSource {
    pub url: UrlRule,
    pub bodies: Option<std::rc::Rc<std::cell::RefCell<Vec<Vec<u8>>>>>,
    pub request: Rc<Request>,
}

/// How a call's response body is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyAs {
    Text,
    Json,
    Bytes,
}

/// What each fetch sends beside the URL, and what it keeps of the response.
pub(super) struct Request {
    /// Keep bodies this way until `onBatch` takes them.
    pub body_as: Option<BodyAs>,
    pub method: Option<String>,
    /// An object of headers, or a function of the index that returns one.
    pub headers: Option<JsValue>,
    /// A body, or a function of the index that returns one.
    pub body: Option<JsValue>,
    /// For the function source: the function.
    pub call: Option<js_sys::Function>,
    /// The JS side of the job (`calls.js`): calls the function, keeps bodies, values and
    /// errors until their batch is delivered, and makes the result objects.
    pub calls: Calls,
    /// Where a throwing `headers`/`body` function's exception goes (the job then stops).
    pub thrown: Option<(Thrown, Arc<IoControl>)>,
}

impl Default for Request {
    /// A plain GET that keeps nothing.
    fn default() -> Self {
        Request {
            body_as: None,
            method: None,
            headers: None,
            body: None,
            call: None,
            calls: Calls::new(&JsValue::UNDEFINED, &JsValue::UNDEFINED),
            thrown: None,
        }
    }
}

#[wasm_bindgen(module = "/src/web/snippets/calls.js")]
extern "C" {
    /// What one I/O job keeps on the JS side: see `calls.js`.
    pub(super) type Calls;
    #[wasm_bindgen(constructor)]
    fn new(call: &JsValue, name: &JsValue) -> Calls;
    /// Sets (or removes, with `undefined`) the receiver of settled calls.
    #[wasm_bindgen(method)]
    fn listen(this: &Calls, on_settled: &JsValue);
    /// Starts an attempt: 0 pending, 1 a plain value, 2 threw.
    #[wasm_bindgen(method)]
    fn start(this: &Calls, index: f64, attempt: u32, signal: &JsValue) -> u32;
    /// Forgets a pending attempt the driver gave up on.
    #[wasm_bindgen(method)]
    fn abandon(this: &Calls, index: f64);
    /// What call `index`'s last attempt threw.
    #[wasm_bindgen(method)]
    fn thrown(this: &Calls, index: f64) -> JsValue;
    /// Keeps a fetch's body until its batch is delivered.
    #[wasm_bindgen(method)]
    fn keep(this: &Calls, index: f64, value: &JsValue);
    /// Forgets what was kept for a batch nobody receives.
    #[wasm_bindgen(method)]
    fn forget(this: &Calls, indices: &[f64]);
    /// The result objects of a batch.
    #[wasm_bindgen(method)]
    fn results(this: &Calls, numbers: &[f64], errors: &js_sys::Array) -> js_sys::Array;
}

impl Request {
    /// A value of the request for call `index`: `value(index)` when it is a function.
    fn value_for(&self, value: &JsValue, index: u64) -> Result<JsValue, JsValue> {
        match value.dyn_ref::<js_sys::Function>() {
            Some(function) => function.call1(&JsValue::NULL, &JsValue::from(index as f64)),
            None => Ok(value.clone()),
        }
    }

    /// The `init` of `fetch` for call `index`, or what a function of the caller's threw.
    fn init(&self, index: u64, signal: &JsValue) -> Result<js_sys::Object, JsValue> {
        let init = js_sys::Object::new();
        let _ = Reflect::set(&init, &"signal".into(), signal);
        if let Some(method) = &self.method {
            let _ = Reflect::set(&init, &"method".into(), &method.into());
        }
        if let Some(headers) = &self.headers {
            let _ = Reflect::set(&init, &"headers".into(), &self.value_for(headers, index)?);
        }
        if let Some(body) = &self.body {
            let _ = Reflect::set(&init, &"body".into(), &self.value_for(body, index)?);
        }
        Ok(init)
    }

    /// The result objects of `batch` for `onBatch`, with what was kept for each (`body`,
    /// `value` or `cause`), made on the JS side in one call.
    fn results(&self, batch: &[CallResult]) -> js_sys::Array {
        let mut numbers = Vec::with_capacity(batch.len() * 6);
        let errors = js_sys::Array::new();
        for (position, result) in batch.iter().enumerate() {
            numbers.extend([
                result.index as f64,
                f64::from(u8::from(result.ok)),
                f64::from(result.attempts),
                result.latency_ms,
                result.bytes as f64,
                result.status.map_or(-1.0, f64::from),
            ]);
            if let Some(error) = &result.error {
                errors.push(&JsValue::from(position as u32));
                errors.push(&JsValue::from(error.as_str()));
            }
        }
        self.calls.results(&numbers, &errors)
    }

    /// Forgets what was kept for a batch that nobody receives.
    fn forget(&self, batch: &[CallResult]) {
        if self.body_as.is_some() || self.call.is_some() {
            let indices: Vec<f64> = batch.iter().map(|result| result.index as f64).collect();
            self.calls.forget(&indices);
        }
    }
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
        let init = match self.request.init(index, &controller.signal().into()) {
            Ok(init) => init,
            Err(thrown) => {
                // A function of the caller's threw: the job stops with CallbackError.
                if let Some((slot, control)) = &self.request.thrown {
                    slot.borrow_mut().get_or_insert(thrown);
                    control.cancel(StopReason::CallbackFailed);
                }
                return Call::Ready(Outcome {
                    error: Some("the request's headers or body function threw".into()),
                    ..Outcome::default()
                });
            }
        };
        let request = fetch(&url, &init);
        // Dropping the call (a per-call timeout, or the job stopping) aborts the request.
        let guard = AbortOnDrop(Some(controller));
        let keep = Rc::clone(&self.request);
        Call::Pending(
            async move {
                let outcome = fetch_outcome(request, index, bodies, &keep).await;
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
    keep: &Request,
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
    if let Some(body_as) = keep.body_as {
        // The body stays in JS memory: text and JSON never pass through wasm.
        let value = match body_as {
            BodyAs::Bytes => body.clone().into(),
            BodyAs::Text => TextDecoder::new().decode(&body),
            BodyAs::Json => match json_parse(&TextDecoder::new().decode(&body)) {
                Ok(value) => value,
                Err(err) => {
                    let message = format!("the body is not JSON ({})", js_error_message(&err));
                    return failure(message, Some(status), false);
                }
            },
        };
        keep.calls.keep(index as f64, &value);
    }
    Outcome {
        ok: true,
        bytes: u64::from(body.length()),
        status: Some(status),
        ..Outcome::default()
    }
}

/// The caller's own async function: `call(index, { signal, attempt })`, called and awaited
/// on the JS side (`calls.js`), which reports the calls that settled in one call per
/// microtask turn; its value stays there until the call's batch is delivered. The signal
/// aborts when the driver gives the attempt up (a per-call timeout, or the job stopping).
pub(super) struct FunctionSource {
    pub request: Rc<Request>,
    /// One signal for every call, aborted when the job ends (dropped), unless the spec has a
    /// per-call timeout: then each call gets its own (an AbortController costs microseconds,
    /// more than the rest of starting a call).
    pub shared: Option<AbortOnDrop>,
    /// The attempts pending on the JS side, by call index.
    pending: Pending,
    /// Receives the settled calls from `calls.js`; removed from there when the job ends.
    _on_settled: Closure<dyn FnMut(js_sys::Float64Array)>,
}

/// The attempts pending on the JS side, by call index.
type Pending = Rc<RefCell<HashMap<u64, Slot>>>;

/// One pending attempt: how it ended once it has, and who waits for it.
struct Slot {
    attempt: u32,
    ok: Option<bool>,
    waker: Option<std::task::Waker>,
}

impl FunctionSource {
    /// The source of `spec`'s calls to `request.call`.
    pub(super) fn new(request: Rc<Request>, spec: &IoSpec) -> FunctionSource {
        let pending: Pending = Rc::default();
        let settled = Rc::clone(&pending);
        let on_settled = Closure::<dyn FnMut(js_sys::Float64Array)>::new(
            move |triples: js_sys::Float64Array| {
                let mut wake = Vec::new();
                {
                    let mut pending = settled.borrow_mut();
                    for triple in triples.to_vec().chunks_exact(3) {
                        let (index, attempt) = (triple[0] as u64, triple[1] as u32);
                        if let Some(slot) = pending.get_mut(&index) {
                            if slot.attempt == attempt {
                                slot.ok = Some(triple[2] == 1.0);
                                wake.extend(slot.waker.take());
                            }
                        }
                    }
                }
                wake.into_iter().for_each(std::task::Waker::wake);
            },
        );
        request.calls.listen(on_settled.as_ref());
        FunctionSource {
            request,
            shared: spec
                .timeout_ms
                .is_none()
                .then(|| AbortOnDrop(Some(AbortController::new()))),
            pending,
            _on_settled: on_settled,
        }
    }
}

impl Drop for FunctionSource {
    fn drop(&mut self) {
        // A flush already queued in JS then finds no receiver instead of a dropped closure.
        self.request.calls.listen(&JsValue::UNDEFINED);
    }
}

/// How a failed attempt of the function source ended: an AbortError is not retried.
fn call_failed(request: &Request, index: u64) -> Outcome {
    let thrown = request.calls.thrown(index as f64);
    let retryable = Reflect::get(&thrown, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .is_none_or(|name| name != "AbortError");
    Outcome {
        error: Some(js_error_message(&thrown)),
        retryable,
        ..Outcome::default()
    }
}

impl Source for FunctionSource {
    fn start(&self, index: u64, attempt: u32) -> Call {
        let (signal, controller) = match &self.shared {
            Some(AbortOnDrop(Some(shared))) => (shared.signal(), None),
            _ => {
                let controller = AbortController::new();
                (controller.signal(), Some(controller))
            }
        };
        match self
            .request
            .calls
            .start(index as f64, attempt, &signal.into())
        {
            0 => {
                self.pending.borrow_mut().insert(
                    index,
                    Slot {
                        attempt,
                        ok: None,
                        waker: None,
                    },
                );
                Call::Pending(Box::pin(Settling {
                    index,
                    pending: Rc::clone(&self.pending),
                    request: Rc::clone(&self.request),
                    controller,
                    ended: false,
                }))
            }
            1 => Call::Ready(Outcome {
                ok: true,
                ..Outcome::default()
            }),
            _ => Call::Ready(call_failed(&self.request, index)),
        }
    }
}

/// An attempt pending on the JS side. Dropped before it ended (a per-call timeout, the job
/// stopping), it aborts its own signal and tells the JS side to ignore how it ends.
struct Settling {
    index: u64,
    pending: Pending,
    request: Rc<Request>,
    controller: Option<AbortController>,
    ended: bool,
}

impl std::future::Future for Settling {
    type Output = Outcome;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Outcome> {
        // How the attempt ended: Some(ok), or None if its slot is gone (not reached: the slot
        // lives until this future ends; then the attempt fails rather than waits for nothing).
        let ended = {
            let mut pending = self.pending.borrow_mut();
            match pending.get_mut(&self.index) {
                Some(slot) => match slot.ok {
                    Some(ok) => {
                        pending.remove(&self.index);
                        Some(ok)
                    }
                    None => {
                        slot.waker = Some(cx.waker().clone());
                        return std::task::Poll::Pending;
                    }
                },
                None => None,
            }
        };
        self.ended = true;
        std::task::Poll::Ready(match ended {
            Some(true) => Outcome {
                ok: true,
                ..Outcome::default()
            },
            None => Outcome {
                error: Some("the call's outcome was lost".into()),
                ..Outcome::default()
            },
            Some(false) => call_failed(&self.request, self.index),
        })
    }
}

impl Drop for Settling {
    fn drop(&mut self) {
        if !self.ended {
            self.pending.borrow_mut().remove(&self.index);
            self.request.calls.abandon(self.index as f64);
            if let Some(controller) = self.controller.take() {
                controller.abort();
            }
        }
    }
}

/// Aborts a fetch (or the calls of a job) unless disarmed.
pub(super) struct AbortOnDrop(Option<AbortController>);

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

/// The source a spec names; fetch and function calls share `request` (what each request
/// sends, and what is kept of each call until its batch is delivered).
///
/// # Errors
/// `InvalidParams` for a fetch URL that breaks the rule of [`UrlRule`].
fn source_of(spec: &IoSpec, request: &Rc<Request>) -> Result<Box<dyn Source>, Error> {
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
            request: Rc::clone(request),
        }),
        CallSource::Function => Box::new(FunctionSource::new(Rc::clone(request), spec)),
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
    let (spec, mut request, on_batch, controls) = io_input(&spec, &options)?;
    let control = Arc::new(IoControl::new(spec.plan.calls));
    let watch = controls.watch(&control)?;
    let thrown = watch.thrown_slot();
    request.thrown = Some((Rc::clone(&thrown), Arc::clone(&control)));
    let request = Rc::new(request);
    let source = source_of(&spec, &request)?;
    let mut deliver = |batch: Vec<CallResult>| {
        // Without a callback the batch is only counted: no JS objects are made (kept bodies
        // are dropped). A callback that threw gets nothing more, and the job stops.
        let Some(callback) = on_batch.as_ref().filter(|_| thrown.borrow().is_none()) else {
            request.forget(&batch);
            return;
        };
        let results = request.results(&batch);
        if let Err(error) = callback.call1(&JsValue::NULL, &results) {
            *thrown.borrow_mut() = Some(error);
            control.cancel(StopReason::CallbackFailed);
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

type IoInput = (
    IoSpec,
    Request,
    Option<js_sys::Function>,
    super::controls::Controls,
);

/// The keys of an I/O spec that shape each request (fetch only), and the function of the
/// function source.
const REQUEST_KEYS: [&str; 5] = ["as", "method", "headers", "body", "call"];

fn io_input(spec_value: &JsValue, options: &JsValue) -> Result<IoInput, Failure> {
    let pairs = spec_entries(spec_value)?;
    let (request_pairs, rest): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(key, _)| REQUEST_KEYS.contains(&key.as_str()));
    let spec = IoSpec::parse(&rest)?;
    let request = request_of(spec_value, &request_pairs, &spec)?;
    let mut on_batch = None;
    let controls = parse_options(options, "onBatch", |key, value| {
        if key != "onBatch" {
            return Ok(false);
        }
        if !value.is_undefined() {
            on_batch = Some(value.clone().dyn_into::<js_sys::Function>().map_err(|_| {
                Error::invalid(format!(
                    "option \"onBatch\" must be a function, got {}",
                    with_article(&type_name(value))
                ))
                .with_param("onBatch")
            })?);
        }
        Ok(true)
    })?;
    Ok((spec, request, on_batch, controls))
}

/// Reads `as`, `method`, `headers` and `body` of the spec (their raw values, read again from
/// the entries of `spec`: they are objects and functions, not numbers or strings).
fn request_of(
    spec_value: &JsValue,
    pairs: &[(String, SpecValue)],
    spec: &IoSpec,
) -> Result<Request, Failure> {
    let fields = read_request(spec_value, pairs, spec)?;
    let call = fields
        .call
        .clone()
        .map_or(JsValue::UNDEFINED, JsValue::from);
    let name = match (&fields.call, fields.body_as) {
        (Some(_), _) => JsValue::from("value"),
        (None, Some(_)) => JsValue::from("body"),
        (None, None) => JsValue::UNDEFINED,
    };
    Ok(Request {
        body_as: fields.body_as,
        method: fields.method,
        headers: fields.headers,
        body: fields.body,
        call: fields.call,
        calls: Calls::new(&call, &name),
        thrown: None,
    })
}

/// A request's fields as the spec gives them, before its JS side is made.
#[derive(Default)]
struct RequestFields {
    body_as: Option<BodyAs>,
    method: Option<String>,
    headers: Option<JsValue>,
    body: Option<JsValue>,
    call: Option<js_sys::Function>,
}

/// The request's fields as the spec gives them (the JS side made later, from them).
fn read_request(
    spec_value: &JsValue,
    pairs: &[(String, SpecValue)],
    spec: &IoSpec,
) -> Result<RequestFields, Failure> {
    let mut request = RequestFields::default();
    let function_source = matches!(spec.source, CallSource::Function);
    let has_call = pairs.iter().any(|(key, _)| key == "call");
    if function_source != has_call {
        return Err(Error::invalid(if function_source {
            "the function source needs \"call\": an async function of (index, { signal, \
             attempt }), e.g. (i) => fetch(urls[i])"
        } else {
            "\"call\" is for the function source: add source: \"function\""
        })
        .with_param("call")
        .into());
    }
    if pairs.is_empty() {
        return Ok(request);
    }
    if let Some((key, _)) = pairs
        .iter()
        .find(|(key, _)| key != "call" && !matches!(spec.source, CallSource::Fetch { .. }))
    {
        return Err(Error::invalid(format!(
            "{key:?} is for fetch calls: set source: \"fetch\" and a url"
        ))
        .with_param(key.as_str())
        .into());
    }
    let raw = entries(spec_value, "the I/O spec")?;
    for (key, value) in raw
        .iter()
        .filter(|(k, _)| REQUEST_KEYS.contains(&k.as_str()))
    {
        if value.is_undefined() {
            continue;
        }
        let fail = |what: &str| -> Failure {
            Error::invalid(format!("{key:?} must be {what}, got {}", describe(value)))
                .with_param(key.as_str())
                .into()
        };
        match key.as_str() {
            "call" => {
                request.call = Some(
                    value
                        .dyn_ref::<js_sys::Function>()
                        .ok_or_else(|| fail("a function"))?
                        .clone(),
                )
            }
            "as" => {
                request.body_as = Some(match value.as_string().as_deref() {
                    Some("text") => BodyAs::Text,
                    Some("json") => BodyAs::Json,
                    Some("bytes") => BodyAs::Bytes,
                    _ => return Err(fail("\"text\", \"json\" or \"bytes\"")),
                })
            }
            "method" => match value.as_string() {
                Some(method)
                    if !method.is_empty()
                        && method.len() <= 16
                        && method.bytes().all(|b| b.is_ascii_alphabetic()) =>
                {
                    request.method = Some(method)
                }
                _ => return Err(fail("an HTTP method such as \"POST\"")),
            },
            "headers" => {
                let object = value.is_object() && is_array(value) == Ok(false);
                if !(object || value.is_function()) {
                    return Err(fail(
                        "an object of header names and values, or a function of the index",
                    ));
                }
                request.headers = Some(value.clone());
            }
            _ => {
                if value.is_null()
                    || !(value.is_object() || value.is_string() || value.is_function())
                {
                    return Err(fail(
                        "a body fetch accepts (string, ArrayBuffer, typed array, Blob, \
                         FormData, URLSearchParams) or a function of the index",
                    ));
                }
                request.body = Some(value.clone());
            }
        }
    }
    Ok(request)
}
