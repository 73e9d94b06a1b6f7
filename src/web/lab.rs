//! The lab at the JS boundary: its catalogue, and its threads experiments run on the pool
//! (the package's lab.js runs the others on the public API).

use std::collections::BTreeMap;

use futures_channel::oneshot;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::clock::performance_now;
use super::convert::{describe, entries, to_js};
use super::errors::to_js_error;
use super::runner::{controlled, parse_options, settle, Runner};
use crate::engine::{self, Mode};
use crate::kernels::Output;
use crate::{lab, Error, ErrorKind};

#[wasm_bindgen]
impl Runner {
    /// The lab's experiments, in the order the tutorials teach them: name, title, what each
    /// shows, where it runs, its params.
    #[wasm_bindgen(js_name = labExperiments, unchecked_return_type = "LabExperiment[]")]
    pub fn lab_experiments(&self) -> Result<JsValue, JsValue> {
        to_js(&lab::EXPERIMENTS).map_err(|err| to_js_error(&err))
    }

    /// Runs lab experiment `name` that runs on threads (`race`, `locks`, `queue`) with
    /// `params` (missing ones take their defaults) on the pool, and resolves with its
    /// report. Options: `signal`, `timeoutMs`, `onProgress`. One runs at a time.
    ///
    /// Rejects with `InvalidParamsError` for bad params, more threads than the pool has, an
    /// experiment of the JS API or one already running; `UnknownWorkloadError` for an
    /// unknown name; `PoolNotReadyError` without threads.
    #[wasm_bindgen(js_name = labRun, unchecked_return_type = "Promise<LabReport>")]
    pub fn lab_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number> | undefined")]
        params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "JobControls")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        settle(async move {
            let name = name.as_string().ok_or_else(|| {
                Error::invalid(format!(
                    "the experiment's name must be a string, got {}",
                    describe(&name)
                ))
            })?;
            let mut given = BTreeMap::new();
            for (key, value) in entries(&params, "params")? {
                let number = value.as_f64().ok_or_else(|| {
                    Error::invalid(format!(
                        "{name}: param {key:?} must be a number, got {}",
                        describe(&value)
                    ))
                    .with_param(key.as_str())
                })?;
                given.insert(key, number);
            }
            // Checked here, before the pool is asked.
            lab::params(lab::find(&name)?, &given)?;
            let controls = parse_options(&options, "(none of its own)", |_, _| Ok(false))?;
            let work = |job: std::sync::Arc<engine::Job>| async move {
                let (send, receive) = oneshot::channel();
                engine::run_task(Mode::Parallel, &job, performance_now, move |ctx| {
                    let report = lab::run(&name, &given, ctx, performance_now)?;
                    let _ = send.send(report);
                    Ok(Output { checksum: 0 })
                })
                .await?;
                receive.await.map_err(|_| {
                    Error::new(
                        ErrorKind::EngineCrashed,
                        "the experiment stopped without a report",
                    )
                })
            };
            controlled(controls, work, None, |_| None).await
        })
    }
}
