//! A Rust app's own parallel code, called from Rust: for an app that is Rust compiled to wasm
//! (Leptos, Yew, egui and the like) and needs no JS glue of its own. [`start`] starts the
//! pool of Web Worker threads; [`spawn`] runs a closure on it and gives a [`Task`], a future
//! of the closure's result, which cancels the closure and reads its progress through the
//! same [`Ctx`] the workloads use. Inside the closure rayon runs on the pool: `par_iter`,
//! `join` and `scope` split the work over its threads.
//!
//! The caller's thread never blocks: await the task from the app's own async code
//! (`wasm_bindgen_futures::spawn_local`, or the framework's). The page must be cross-origin
//! isolated (threads need `SharedArrayBuffer`), and the app's JS bindings plain ES modules
//! (wasm-bindgen's `--target web`, as trunk and wasm-pack make them): the pool's workers
//! import them.
//!
//! ```no_run
//! use rayon::prelude::*;
//! use webpar::web::app::{spawn, start};
//!
//! # async fn app() -> Result<(), webpar::Error> {
//! start(Some(2)).await?; // once; later calls share the pool
//! let task = spawn(|ctx| {
//!     ctx.set_total(1_000);
//!     let mut total = 0u64;
//!     for chunk in 0..1_000u64 {
//!         ctx.checkpoint(1)?; // progress, and a cancel stops the work here
//!         total += (chunk * 1_000..(chunk + 1) * 1_000).into_par_iter().map(|n| n % 7).sum::<u64>();
//!     }
//!     Ok(total)
//! });
//! // task.progress() reads how far it is; task.cancel() stops it with ErrorKind::Aborted.
//! let total = task.await?;
//! assert_eq!(total, 2_999_997);
//! # Ok(())
//! # }
//! ```
//!
//! `tests/web_app.rs` runs this in headless Chromium and Firefox.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_channel::oneshot;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::clock::performance_now;
use super::pool::start_thread_pool;
use crate::engine::{self, Ctx, Job, Mode, StopReason};
use crate::{Error, ErrorKind};

/// Starts the pool of `threads` Web Worker threads (default: the machine's
/// `navigator.hardwareConcurrency`) and resolves with its size once every thread runs. The
/// pool starts once per page: later calls share it (with no size, or the same).
///
/// # Errors
/// [`ErrorKind::PoolNotReady`] when the page is not cross-origin isolated or the workers do
/// not start; [`ErrorKind::InvalidParams`] for a size outside 1..=256 or other than the
/// running pool's.
pub async fn start(threads: Option<usize>) -> Result<usize, Error> {
    let threads = threads.map_or(JsValue::UNDEFINED, |n| JsValue::from(n as f64));
    match JsFuture::from(start_thread_pool(threads, JsValue::UNDEFINED)).await {
        Ok(size) => Ok(size.as_f64().unwrap_or(0.0) as usize),
        Err(err) => Err(from_js_error(&err)),
    }
}

/// Runs `work` on the pool and returns at once with its [`Task`]. `work` gets the task's
/// [`Ctx`]: [`Ctx::set_total`] and [`Ctx::checkpoint`] report progress, and a checkpoint (or
/// [`Ctx::check`]) returns the error that stops it once the task is cancelled. Inside `work`,
/// rayon's parallel iterators, `join` and `scope` use the pool's threads.
///
/// `work` must not panic: a panic traps the threaded instance (wasm has no unwinding), and
/// every pending task then fails with [`ErrorKind::EngineCrashed`].
pub fn spawn<T, F>(work: F) -> Task<T>
where
    T: Send + 'static,
    F: FnOnce(&Ctx) -> Result<T, Error> + Send + 'static,
{
    let job = Arc::new(Job::new());
    job.set_runs(1);
    let running = Arc::clone(&job);
    let (send, result) = oneshot::channel();
    // Started now, not when first awaited: the work runs (and reports progress) meanwhile.
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = engine::run_value(Mode::Parallel, &running, performance_now, work).await;
        let _ = send.send(outcome.map(|(value, _)| value));
    });
    Task { job, result }
}

/// A closure running on the pool ([`spawn`]): a future of its result, which the caller
/// awaits without blocking. It starts when spawned, not when first awaited; dropping it does
/// not stop the work: [`Task::cancel`] does.
#[must_use = "a task does nothing more unless awaited, and its result is lost if dropped"]
pub struct Task<T> {
    job: Arc<Job>,
    result: oneshot::Receiver<Result<T, Error>>,
}

impl<T> Task<T> {
    /// Stops the task: if no thread has started it, it fails at once; else its closure gets
    /// the error at its next checkpoint. Either way the task ends with
    /// [`ErrorKind::Aborted`].
    pub fn cancel(&self) {
        self.job.cancel(StopReason::Abort);
    }

    /// The finished fraction in `[0, 1]` that the closure reported through its [`Ctx`] (0 if
    /// it reports none).
    pub fn progress(&self) -> f64 {
        self.job.progress()
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.result).poll(cx).map(|answer| {
            // The sender is dropped unanswered only if the engine stopped under the task.
            answer.unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::EngineCrashed,
                    "the task's thread stopped without a result; the engine restarts: run it again",
                ))
            })
        })
    }
}

/// The engine's error for a JS error of webpar's (by its `name`), or one of `kind`
/// [`ErrorKind::PoolNotReady`] with its message.
fn from_js_error(err: &JsValue) -> Error {
    let text = |key: &str| {
        js_sys::Reflect::get(err, &key.into())
            .ok()
            .and_then(|value| value.as_string())
    };
    let name = text("name").unwrap_or_default();
    let message = text("message").unwrap_or_else(|| format!("{err:?}"));
    let kind = [
        ErrorKind::InvalidParams,
        ErrorKind::PoolNotReady,
        ErrorKind::EngineCrashed,
    ]
    .into_iter()
    .find(|kind| kind.js_name() == name)
    .unwrap_or(ErrorKind::PoolNotReady);
    Error::new(kind, message)
}
