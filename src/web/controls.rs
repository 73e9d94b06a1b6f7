//! The job controls a caller passes in options: `signal` (an `AbortSignal`), `timeoutMs` and
//! `onProgress`, wired to an [`engine::Job`] for as long as the job runs.

use std::sync::Arc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{integer_option, type_name};
use super::js::{clear_interval, clear_timeout, set_interval, set_timeout, AbortSignal};
use crate::engine::{StopReason, Stoppable};
use crate::{Error, ErrorKind};

/// How often `onProgress` is called: 10 times a second.
const PROGRESS_INTERVAL_MS: i32 = 100;

/// The controls found in an options object.
#[derive(Default)]
pub struct Controls {
    signal: Option<AbortSignal>,
    timeout_ms: Option<u32>,
    on_progress: Option<js_sys::Function>,
}

impl Controls {
    /// Takes `key` if it is one of the controls; returns false for any other key.
    ///
    /// # Errors
    /// `InvalidParams` for a control of the wrong type.
    pub fn take(&mut self, key: &str, value: &JsValue) -> Result<bool, Error> {
        match key {
            "signal" if value.is_undefined() => {}
            "signal" => {
                let is_signal = js_sys::Reflect::get(value, &"aborted".into())
                    .is_ok_and(|aborted| aborted.as_bool().is_some())
                    && js_sys::Reflect::get(value, &"addEventListener".into())
                        .is_ok_and(|f| f.is_function());
                if !is_signal {
                    return Err(Error::invalid(format!(
                        "option \"signal\" must be an AbortSignal (new AbortController().signal), \
                         got a {}",
                        type_name(value)
                    ))
                    .with_param("signal"));
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
                        "option \"onProgress\" must be a function, got a {}",
                        type_name(value)
                    ))
                    .with_param("onProgress")
                })?);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Wires the controls to `job` until the returned guard is dropped.
    ///
    /// # Errors
    /// `AbortError` at once when the signal is already aborted (nothing runs then).
    pub fn watch<J: Stoppable + Send + Sync + 'static>(self, job: &Arc<J>) -> Result<Watch, Error> {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(Error::new(
                ErrorKind::Aborted,
                "the signal was already aborted; nothing ran",
            ));
        }
        let cancel = |reason| {
            let job = Arc::clone(job);
            Closure::<dyn FnMut()>::new(move || job.stop(reason))
        };
        let abort = self.signal.map(|signal| {
            let listener = cancel(StopReason::Abort);
            signal.add_event_listener("abort", listener.as_ref().unchecked_ref());
            (signal, listener)
        });
        let timeout = self.timeout_ms.map(|ms| {
            let handler = cancel(StopReason::Timeout);
            let handle = set_timeout(handler.as_ref().unchecked_ref(), f64::from(ms));
            (handle, handler)
        });
        let progress = self.on_progress.map(|callback| {
            let job = Arc::clone(job);
            let report = callback.clone();
            let mut last = 0.0f64;
            let tick = Closure::<dyn FnMut()>::new(move || {
                // Monotone even if a run's counters were read mid-update.
                last = last.max(job.fraction_done());
                // A throwing callback must not stop the job.
                let _ = match job.calls() {
                    None => report.call1(&JsValue::NULL, &last.into()),
                    Some((completed, in_flight)) => {
                        let counts = js_sys::Object::new();
                        let _ = js_sys::Reflect::set(
                            &counts,
                            &"completed".into(),
                            &(completed as f64).into(),
                        );
                        let _ =
                            js_sys::Reflect::set(&counts, &"inFlight".into(), &in_flight.into());
                        report.call2(&JsValue::NULL, &last.into(), &counts)
                    }
                };
            });
            let handle = set_interval(tick.as_ref().unchecked_ref(), PROGRESS_INTERVAL_MS);
            Ticker {
                handle,
                _tick: tick,
                callback,
            }
        });
        Ok(Watch {
            abort,
            timeout,
            progress,
        })
    }
}

/// Live wiring of a job's controls; dropping it removes the listener and the timers.
pub struct Watch {
    abort: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    timeout: Option<(JsValue, Closure<dyn FnMut()>)>,
    progress: Option<Ticker>,
}

/// The `onProgress` interval: its handle, the closure it calls, and the user's callback.
struct Ticker {
    handle: JsValue,
    _tick: Closure<dyn FnMut()>,
    callback: js_sys::Function,
}

impl Watch {
    /// Reports progress 1 to `onProgress`: the job finished.
    pub fn finished(&self) {
        if let Some(ticker) = &self.progress {
            let _ = ticker.callback.call1(&JsValue::NULL, &1.0.into());
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some((signal, listener)) = &self.abort {
            signal.remove_event_listener("abort", listener.as_ref().unchecked_ref());
        }
        if let Some((handle, _)) = &self.timeout {
            clear_timeout(handle);
        }
        if let Some(ticker) = &self.progress {
            clear_interval(&ticker.handle);
        }
    }
}
