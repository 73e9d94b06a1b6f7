//! Starting the thread pool, with readiness tracked by the engine.
//!
//! The pool is a rayon pool whose threads are Web Workers on the module's shared memory.
//! webpar starts them itself rather than through wasm-bindgen-rayon, whose worker helper
//! comes in two builds that exclude each other: one for bundlers, which plain ES modules
//! cannot load (it imports the package's folder), and one for plain ES modules, which in a
//! bundle spawns the whole app bundle as the worker ("document is not defined"). Here the
//! worker script is given by the caller (`workers.js` explains), so one build serves both.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::clock::performance_now;
use super::convert::{describe, integer_option, js_error_message};
use super::errors::to_js_error;
use crate::engine::pool;
use crate::sync::Mailbox;
use crate::{Error, ErrorKind};

/// Most threads a pool may have.
const MAX_THREADS: u32 = 256;

/// How long the workers may take to load and instantiate the module, and then to take their
/// threads, before the start fails.
const WORKERS_START_TIMEOUT_MS: u32 = 30_000;

/// The pool's threads, waiting for a worker to run them. Every worker sees this static: the
/// memory is shared. The page's thread puts them in without ever waiting (a `Mailbox`, not a
/// channel: see its docs).
static WAITING_THREADS: Mailbox<rayon::ThreadBuilder> = Mailbox::new();

/// Pool threads that a worker took and runs.
static RUNNING_THREADS: AtomicUsize = AtomicUsize::new(0);

#[wasm_bindgen(module = "/src/web/snippets/workers.js")]
extern "C" {
    /// Starts `count` workers on `module` and `memory`; see workers.js.
    #[wasm_bindgen(js_name = startWorkers)]
    fn start_workers(
        module: JsValue,
        memory: JsValue,
        count: usize,
        create_worker: &JsValue,
        main_js: &JsValue,
        timeout_ms: u32,
    ) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// `import.meta.url` of the generated bindings: what a self-spawned worker imports.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static BINDINGS_URL: JsValue;
}

/// In a pool worker: takes one of the pool's threads and runs it (for as long as the page
/// lives). Called by the worker scripts once the module is instantiated.
#[doc(hidden)]
#[wasm_bindgen(js_name = webpar_run_pool_thread)]
pub fn run_pool_thread() {
    // One worker more than threads is started: the first one here becomes the dispatcher
    // that puts the main thread's work on the pool (see `pool::run_dispatcher`).
    if pool::claim_dispatcher() {
        pool::run_dispatcher();
        return;
    }
    // A worker may block: it waits here until the pool is built and hands it a thread.
    if let Some(thread) = WAITING_THREADS.take() {
        RUNNING_THREADS.fetch_add(1, Ordering::AcqRel);
        thread.run();
    }
}

thread_local! {
    /// The start in progress on this thread: its size and Promise, shared by later calls.
    static IN_FLIGHT: RefCell<Option<(usize, Promise)>> = const { RefCell::new(None) };
}

/// Starts the pool of Web Worker threads that parallel jobs run on, and resolves with its size
/// once it is ready. The package's entry module exports it as `initThreadPool(threads)`,
/// passing `create_worker`.
///
/// `threads` defaults to `navigator.hardwareConcurrency`. The pool starts once per page: a
/// later call with the same size (or none) shares the first call's start and resolves with
/// the same size. `create_worker` returns one new worker running `webpar-worker.js`; without
/// it, the workers are spawned from `workers.js` itself (plain ES modules only).
///
/// # Errors
/// The Promise rejects with `InvalidParamsError` for a size outside 1..=256 or different from
/// the running pool's, and with `PoolNotReadyError` when the page is not cross-origin isolated
/// or the workers fail to start (a script error, a worker that cannot instantiate the module,
/// or not all ready within 30 s).
#[wasm_bindgen(js_name = startThreadPool, unchecked_return_type = "Promise<number>")]
pub fn start_thread_pool(
    #[wasm_bindgen(unchecked_param_type = "number | undefined")] threads: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(() => Worker) | undefined")] create_worker: JsValue,
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
        let started = start(&global, requested, &threads, &create_worker).await;
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

async fn start(
    global: &JsValue,
    requested: usize,
    threads: &JsValue,
    create_worker: &JsValue,
) -> Result<usize, Error> {
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
    // A page that is not cross-origin isolated says so (`false`); Node.js and Deno share
    // memory with workers without it, and have no `crossOriginIsolated` at all.
    let isolated = Reflect::get(global, &"crossOriginIsolated".into()).ok();
    let shared_memory = Reflect::get(global, &"SharedArrayBuffer".into())
        .is_ok_and(|constructor| constructor.is_function());
    if isolated == Some(JsValue::FALSE) || !shared_memory {
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
    match start_threads(requested, create_worker).await {
        Ok(()) => {
            pool::mark_ready(requested);
            Ok(requested)
        }
        Err(cause) => {
            pool::start_failed();
            Err(Error::new(
                ErrorKind::PoolNotReady,
                format!("the thread pool failed to start: {cause}"),
            ))
        }
    }
}

/// Starts `count` workers for the pool's threads and one for the dispatcher, then builds the
/// pool on them and installs it for the engine.
async fn start_threads(count: usize, create_worker: &JsValue) -> Result<(), String> {
    let main_js = BINDINGS_URL.with(JsValue::clone);
    let create_worker = if create_worker.is_function() {
        create_worker.clone()
    } else {
        JsValue::UNDEFINED
    };
    let workers = start_workers(
        wasm_bindgen::module(),
        wasm_bindgen::memory(),
        count + 1,
        &create_worker,
        &main_js,
        WORKERS_START_TIMEOUT_MS,
    );
    JsFuture::from(workers)
        .await
        .map_err(|cause| js_error_message(&cause))?;
    let loaded = performance_now();
    // Every worker now waits in `run_pool_thread`; building the pool hands each a thread.
    // (`build`, not `build_global`: the global pool's start waits on a lock until every
    // thread runs, which the main thread may not do.)
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(count)
        .spawn_handler(move |thread| {
            WAITING_THREADS.put(thread).map_err(|_| {
                std::io::Error::other(
                    "a pool thread could not be handed to a worker (a worker died holding the \
                     hand-over lock)",
                )
            })
        })
        .build()
        .map_err(|err| err.to_string())?;
    pool::install(threads).map_err(|err| err.message().to_string())?;
    // Resolve only once every worker runs: the dispatcher took its role (it said it was ready
    // just before) and each pool thread was taken, within the start's deadline.
    let deadline = loaded + f64::from(WORKERS_START_TIMEOUT_MS);
    loop {
        let running = RUNNING_THREADS.load(Ordering::Acquire);
        let dispatcher = pool::dispatcher_ready();
        if running >= count && dispatcher {
            return Ok(());
        }
        if performance_now() > deadline {
            return Err(format!(
                "the workers loaded, but within {} s only {running} of {count} took their pool \
                 thread{}",
                WORKERS_START_TIMEOUT_MS / 1000,
                if dispatcher {
                    ""
                } else {
                    ", and the dispatcher never ran"
                }
            ));
        }
        super::timers::sleep(1.0).await;
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
