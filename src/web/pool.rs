//! Starting the thread pool, with readiness tracked by the engine.

use std::cell::RefCell;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::convert::{describe, integer_option, js_error_message};
use super::errors::to_js_error;
use crate::engine::pool;
use crate::{Error, ErrorKind};

/// Most threads a pool may have.
const MAX_THREADS: u32 = 256;

thread_local! {
    /// The start in progress on this thread: its size and Promise, shared by later calls.
    static IN_FLIGHT: RefCell<Option<(usize, Promise)>> = const { RefCell::new(None) };
}

/// Starts the pool of Web Worker threads that parallel jobs run on, and resolves with its size
/// once it is ready. The package's entry module exports it as `initThreadPool`.
///
/// `threads` defaults to `navigator.hardwareConcurrency`. The pool starts once per page: a
/// later call with the same size (or none) shares the first call's start and resolves with
/// the same size.
///
/// # Errors
/// The Promise rejects with `InvalidParamsError` for a size outside 1..=256 or different from
/// the running pool's, and with `PoolNotReadyError` when the page is not cross-origin isolated
/// or the workers fail to start.
#[wasm_bindgen(js_name = startThreadPool, unchecked_return_type = "Promise<number>")]
pub fn start_thread_pool(
    #[wasm_bindgen(unchecked_param_type = "number | undefined")] threads: JsValue,
) -> Promise {
    let global = js_sys::global();
    let requested = match integer_option(&threads, "threads", 1, MAX_THREADS) {
        Ok(Some(n)) => n as usize,
        Ok(None) => hardware_concurrency(&global),
        Err(err) => return Promise::reject(&to_js_error(&err)),
    };
    let shared = IN_FLIGHT.with_borrow(|in_flight| match in_flight {
        Some((size, promise)) if *size == requested || threads.is_undefined() => {
            Some(promise.clone())
        }
        _ => None,
    });
    if let Some(promise) = shared {
        return promise;
    }
    // Only the call that starts the pool owns the in-flight slot (a refused call must not
    // clear it).
    let owner = IN_FLIGHT.with_borrow(Option::is_none);
    let promise = future_to_promise(async move {
        let started = start(&global, requested, &threads).await;
        if owner && started.is_err() {
            IN_FLIGHT.set(None);
        }
        started.map(JsValue::from).map_err(|err| to_js_error(&err))
    });
    if owner {
        IN_FLIGHT.set(Some((requested, promise.clone())));
    }
    promise
}

async fn start(global: &JsValue, requested: usize, threads: &JsValue) -> Result<usize, Error> {
    pool::install_crash_hook();
    if let Ok(running) = pool::ready_threads() {
        return if running == requested || threads.is_undefined() {
            Ok(running)
        } else {
            Err(Error::invalid(format!(
                "the thread pool already runs {running} threads and cannot be resized to {}; \
                 reload the page to start a pool of another size",
                describe(threads)
            )))
        };
    }
    if Reflect::get(global, &"crossOriginIsolated".into()).ok() != Some(JsValue::TRUE) {
        return Err(Error::new(
            ErrorKind::PoolNotReady,
            "threads need SharedArrayBuffer, which needs a cross-origin isolated page: serve \
             it with the headers Cross-Origin-Opener-Policy: same-origin and \
             Cross-Origin-Embedder-Policy: require-corp",
        ));
    }
    if !pool::begin_start() {
        return Err(Error::new(
            ErrorKind::PoolNotReady,
            "the thread pool is already starting: await the first initThreadPool() call",
        ));
    }
    match JsFuture::from(wasm_bindgen_rayon::init_thread_pool(requested)).await {
        Ok(_) => {
            pool::mark_ready(requested);
            Ok(requested)
        }
        Err(cause) => {
            pool::start_failed();
            let cause = js_error_message(&cause);
            Err(Error::new(
                ErrorKind::PoolNotReady,
                format!("the thread pool failed to start: {cause}"),
            ))
        }
    }
}

/// `navigator.hardwareConcurrency`, at least 1.
pub(super) fn hardware_concurrency(global: &JsValue) -> usize {
    Reflect::get(global, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"hardwareConcurrency".into()))
        .ok()
        .and_then(|n| n.as_f64())
        .map_or(1, |n| (n as usize).clamp(1, MAX_THREADS as usize))
}
