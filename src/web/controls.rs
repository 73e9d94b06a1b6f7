//! The job controls a caller passes in options: `signal` (an `AbortSignal`), `timeoutMs` and
//! `onProgress`, wired to an [`engine::Job`] for as long as the job runs.

use crate::with_article;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{integer_option, threw_while_read, type_name};
use super::errors::Failure;
use super::js::{clear_interval, clear_timeout, set_interval, set_timeout, AbortSignal};
use crate::engine::{StopReason, Stoppable};
use crate::{Error, ErrorKind};

/// What a caller's callback threw, kept until the job settles (it becomes `err.cause`).
pub type Thrown = Rc<RefCell<Option<JsValue>>>;

/// The error of a job whose callback threw `thrown`: `CallbackError` with it as `cause`.
pub fn callback_failed(thrown: JsValue) -> Failure {
    Failure::caused_by(StopReason::CallbackFailed.into_error("the job"), thrown)
}

/// How often `onProgress` is called: 10 times a second.
const PROGRESS_INTERVAL_MS: i32 = 100;

/// The controls found in an options object.
#[derive(Default)]
pub struct Controls {
    signal: Option<AbortSignal>,
    timeout_ms: Option<u32>,
    on_progress: Option<js_sys::Function>,
    timeline: bool,
}

impl Controls {
    /// Takes `key` if it is one of the controls; returns false for any other key.
    ///
    /// # Errors
    /// `InvalidParams` for a control of the wrong type, or one whose getters throw (with the
    /// thrown value as cause).
    pub fn take(&mut self, key: &str, value: &JsValue) -> Result<bool, Failure> {
        match key {
            "signal" if value.is_undefined() => {}
            "signal" => {
                let read = |name: &str| {
                    Reflect::get(value, &name.into()).map_err(|thrown| {
                        threw_while_read("option \"signal\"", thrown).with_param("signal")
                    })
                };
                let is_signal = value.is_object()
                    && read("aborted")?.as_bool().is_some()
                    && read("addEventListener")?.is_function();
                if !is_signal {
                    return Err(Error::invalid(format!(
                        "option \"signal\" must be an AbortSignal (new AbortController().signal), \
                         got {}",
                        with_article(&type_name(value))
                    ))
                    .with_param("signal")
                    .into());
                }
                self.signal = Some(value.clone().unchecked_into());
            }
            "timeoutMs" => {
                self.timeout_ms = integer_option(value, "timeoutMs", 1, i32::MAX as u32)?
            }
            "onProgress" if value.is_undefined() => {}
            "onProgress" => {
                self.on_progress = Some(value.clone().dyn_into().map_err(|_| {
                    Error::invalid(format!(
                        "option \"onProgress\" must be a function, got {}",
                        with_article(&type_name(value))
                    ))
                    .with_param("onProgress")
                })?);
            }
            "timeline" => {
                self.timeline = match value.as_bool() {
                    Some(on) => on,
                    None if value.is_undefined() => false,
                    None => {
                        return Err(Error::invalid(format!(
                            "option \"timeline\" must be true or false, got {}",
                            with_article(&type_name(value))
                        ))
                        .with_param("timeline")
                        .into())
                    }
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Whether the caller asked for the job's timeline (`timeline: true`).
    pub fn timeline(&self) -> bool {
        self.timeline
    }

    /// Wires the controls to `job` until the returned guard is dropped.
    ///
    /// # Errors
    /// `AbortError` at once when the signal is already aborted (nothing runs then);
    /// `InvalidParams` when the signal's own code throws.
    pub fn watch<J: Stoppable + Send + Sync + 'static>(
        self,
        job: &Arc<J>,
    ) -> Result<Watch, Failure> {
        let signal_threw =
            |thrown| threw_while_read("option \"signal\"", thrown).with_param("signal");
        if let Some(signal) = &self.signal {
            if signal.aborted().map_err(signal_threw)? {
                return Err(Error::new(
                    ErrorKind::Aborted,
                    "the signal was already aborted; nothing ran",
                )
                .into());
            }
        }
        let cancel = |reason| {
            let job = Arc::clone(job);
            Closure::<dyn FnMut()>::new(move || job.stop(reason))
        };
        let abort = match self.signal {
            None => None,
            Some(signal) => {
                let listener = cancel(StopReason::Abort);
                signal
                    .add_event_listener("abort", listener.as_ref().unchecked_ref())
                    .map_err(signal_threw)?;
                Some((signal, listener))
            }
        };
        let thrown: Thrown = Rc::default();
        let timeout = self.timeout_ms.map(|ms| {
            let handler = cancel(StopReason::Timeout);
            let handle = set_timeout(handler.as_ref().unchecked_ref(), f64::from(ms));
            (handle, handler)
        });
        let progress = self.on_progress.map(|callback| {
            let report = progress_reporter(callback, Arc::clone(job));
            let tick_report = Rc::clone(&report);
            let job = Arc::clone(job);
            let thrown = Rc::clone(&thrown);
            let mut last = 0.0f64;
            let tick = Closure::<dyn FnMut()>::new(move || {
                if thrown.borrow().is_some() {
                    return;
                }
                // Monotone even if a run's counters were read mid-update.
                last = last.max(job.fraction_done());
                // A callback that throws stops the job: its caller would not see it go on.
                if let Err(error) = tick_report(last) {
                    *thrown.borrow_mut() = Some(error);
                    job.stop(StopReason::CallbackFailed);
                }
            });
            let handle = set_interval(tick.as_ref().unchecked_ref(), PROGRESS_INTERVAL_MS);
            Ticker {
                handle,
                _tick: tick,
                report,
            }
        });
        Ok(Watch {
            abort,
            timeout,
            progress,
            thrown,
        })
    }
}

/// Live wiring of a job's controls; dropping it removes the listener and the timers.
pub struct Watch {
    abort: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    timeout: Option<(JsValue, Closure<dyn FnMut()>)>,
    progress: Option<Ticker>,
    thrown: Thrown,
}

/// The `onProgress` interval: its handle, the closure it calls, and the user's callback.
struct Ticker {
    handle: JsValue,
    _tick: Closure<dyn FnMut()>,
    report: Reporter,
}

/// Calls `onProgress` with a fraction, and for I/O jobs with the calls' counts.
type Reporter = Rc<dyn Fn(f64) -> Result<(), JsValue>>;

fn progress_reporter<J: Stoppable + 'static>(callback: js_sys::Function, job: Arc<J>) -> Reporter {
    Rc::new(move |fraction: f64| {
        match job.calls() {
            None => callback.call1(&JsValue::NULL, &fraction.into()),
            Some((completed, in_flight)) => {
                // Setting properties on a fresh object cannot fail.
                let counts = js_sys::Object::new();
                let _ = Reflect::set(&counts, &"completed".into(), &(completed as f64).into());
                let _ = Reflect::set(&counts, &"inFlight".into(), &in_flight.into());
                callback.call2(&JsValue::NULL, &fraction.into(), &counts)
            }
        }
        .map(drop)
    })
}

impl Watch {
    /// Reports progress 1 to `onProgress`: the job finished.
    ///
    /// # Errors
    /// What a callback threw, during the job or now: the job must reject with it as cause.
    pub fn finished(&self) -> Result<(), JsValue> {
        if let Some(thrown) = self.thrown() {
            return Err(thrown);
        }
        match &self.progress {
            Some(ticker) => (ticker.report)(1.0),
            None => Ok(()),
        }
    }

    /// What a callback threw while the job ran, if one did.
    pub fn thrown(&self) -> Option<JsValue> {
        self.thrown.borrow().clone()
    }

    /// A slot shared with other callbacks of the job (e.g. `onBatch`) for what they throw.
    pub fn thrown_slot(&self) -> Thrown {
        Rc::clone(&self.thrown)
    }

    /// `failure`, with what a callback threw as its cause when the job stopped for that.
    pub fn explain(&self, failure: Failure) -> Failure {
        if failure.error().kind() == ErrorKind::CallbackFailed {
            failure.or_cause(self.thrown())
        } else {
            failure
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some((signal, listener)) = &self.abort {
            // A signal whose own method throws keeps a listener that only sets a flag.
            let _ = signal.remove_event_listener("abort", listener.as_ref().unchecked_ref());
        }
        if let Some((handle, _)) = &self.timeout {
            clear_timeout(handle);
        }
        if let Some(ticker) = &self.progress {
            clear_interval(&ticker.handle);
        }
    }
}
