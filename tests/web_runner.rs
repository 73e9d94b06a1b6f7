//! The JS boundary in headless Chromium with the thread pool running: what reaches JS, that
//! jobs use several threads, that the caller's event loop keeps running, and error names.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::web::{start_thread_pool, to_js_error, Runner};
use webpar::{Error, ErrorKind};

wasm_bindgen_test_configure!(run_in_browser);

const THREADS: u32 = 2;

/// Starts the pool once; later calls share the same start (rayon's global pool can be built
/// once per instance).
async fn pool() -> Runner {
    let threads = JsFuture::from(start_thread_pool(THREADS.into(), JsValue::UNDEFINED))
        .await
        .expect("pool starts");
    assert_eq!(threads.as_f64(), Some(THREADS as f64));
    Runner::new()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// Awaits a promise that must reject, and returns the rejection's `name`.
async fn rejection_name(promise: Promise) -> String {
    let err = JsFuture::from(promise)
        .await
        .expect_err("the promise should reject");
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "rejections are Error objects"
    );
    get(&err, "name").as_string().unwrap()
}

#[wasm_bindgen_test]
async fn pool_starts_once_and_a_second_start_shares_it() {
    pool().await;
    let again = JsFuture::from(start_thread_pool(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(again.as_f64(), Some(THREADS as f64));
    let resized = JsFuture::from(start_thread_pool(3.into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(
        get(&resized, "name").as_string().unwrap(),
        "InvalidParamsError"
    );
    assert_eq!(Runner::new().threads(), Some(THREADS as usize));
}

#[wasm_bindgen_test]
async fn memory_is_a_shared_array_buffer() {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    assert!(memory
        .buffer()
        .is_instance_of::<js_sys::SharedArrayBuffer>());
    let isolated = Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).unwrap();
    assert_eq!(isolated, JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn parallel_run_uses_at_least_two_threads() {
    let runner = pool().await;
    let params = object(&[("below", 3_000_000.into())]);
    let options = object(&[("mode", "parallel".into())]);
    let report = JsFuture::from(runner.run("primes".into(), params, Some(options)))
        .await
        .unwrap();
    assert_eq!(get(&report, "checksum").as_string().unwrap(), "216816");
    assert_eq!(get(&report, "threads").as_f64(), Some(THREADS as f64));
    assert!(
        get(&report, "threadsUsed").as_f64().unwrap() >= 2.0,
        "both threads ran chunks"
    );
}

#[wasm_bindgen_test]
async fn sequential_and_parallel_agree_on_every_workload() {
    let runner = pool().await;
    let small = [
        ("countdown", object(&[("n", 3_000_000.into())])),
        ("sum", object(&[("n", 1_000_000.into())])),
        ("primes", object(&[("below", 100_000.into())])),
        (
            "mandelbrot",
            object(&[
                ("width", 100.into()),
                ("height", 80.into()),
                ("max_iter", 300.into()),
            ]),
        ),
    ];
    for (name, params) in small {
        let options = object(&[("repeats", 2.into())]);
        let cmp = JsFuture::from(runner.compare(name.into(), params, Some(options)))
            .await
            .unwrap();
        assert_eq!(get(&cmp, "checksumsMatch"), JsValue::TRUE, "{name}");
        let runs: js_sys::Array = get(&cmp, "runs").unchecked_into();
        assert_eq!(runs.length(), 2);
        let times: js_sys::Array = get(&runs.get(1), "timesMs").unchecked_into();
        assert_eq!(times.length(), 2, "{name}: one time per repeat");
    }
}

#[wasm_bindgen_test]
async fn the_callers_timer_keeps_ticking_during_a_run() {
    let runner = pool().await;
    let ticks = Rc::new(Cell::new(0u32));
    let counter = ticks.clone();
    let tick = Closure::<dyn FnMut()>::new(move || counter.set(counter.get() + 1));
    let global: web_sys_like::Global = js_sys::global().unchecked_into();
    let interval = global.set_interval(tick.as_ref().unchecked_ref(), 10);

    let params = object(&[("below", 6_000_000.into())]);
    let options = object(&[("mode", "sequential".into())]);
    let report = JsFuture::from(runner.run("primes".into(), params, Some(options)))
        .await
        .unwrap();
    global.clear_interval(interval);

    let elapsed_ms = get(&report, "medianMs").as_f64().unwrap();
    // A blocked caller would see no tick at all until the run ended.
    let expected_at_least = (elapsed_ms / 10.0 / 4.0) as u32;
    assert!(
        ticks.get() >= expected_at_least.max(3),
        "only {} ticks of 10 ms during a {elapsed_ms:.0} ms run",
        ticks.get()
    );
}

#[wasm_bindgen_test]
async fn each_error_reaches_js_with_its_stable_name() {
    let runner = pool().await;
    let run =
        |name: JsValue, params: JsValue, options: JsValue| runner.run(name, params, Some(options));
    assert_eq!(
        rejection_name(run("nope".into(), object(&[]), JsValue::UNDEFINED)).await,
        "UnknownWorkloadError"
    );
    assert_eq!(
        rejection_name(run(7.into(), object(&[]), JsValue::UNDEFINED)).await,
        "InvalidParamsError"
    );
    assert_eq!(
        rejection_name(run(
            "primes".into(),
            object(&[("below", (-1).into())]),
            JsValue::UNDEFINED
        ))
        .await,
        "InvalidParamsError"
    );
    assert_eq!(
        rejection_name(run(
            "primes".into(),
            object(&[("below", f64::NAN.into())]),
            JsValue::UNDEFINED
        ))
        .await,
        "InvalidParamsError"
    );
    assert_eq!(
        rejection_name(run(
            "primes".into(),
            object(&[("below", "10".into())]),
            JsValue::UNDEFINED
        ))
        .await,
        "InvalidParamsError"
    );
    assert_eq!(
        rejection_name(run("primes".into(), JsValue::NULL, JsValue::UNDEFINED)).await,
        "InvalidParamsError"
    );
    let bad_mode = object(&[("mode", "fast".into())]);
    assert_eq!(
        rejection_name(run(
            "primes".into(),
            object(&[("below", 10.into())]),
            bad_mode
        ))
        .await,
        "InvalidParamsError"
    );
    let too_big = object(&[("n", 200_000_000.into())]);
    assert_eq!(
        rejection_name(run("sum".into(), too_big, JsValue::UNDEFINED)).await,
        "OverBudgetError"
    );

    // The invalid param is named on the error, for forms.
    let err = JsFuture::from(run(
        "primes".into(),
        object(&[("below", (-1).into())]),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(get(&err, "param").as_string().as_deref(), Some("below"));
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("0..=1000000000"));

    // The names of the kinds no input here can reach yet are mapped the same way.
    for kind in [
        ErrorKind::Aborted,
        ErrorKind::Timeout,
        ErrorKind::PoolNotReady,
        ErrorKind::EngineCrashed,
    ] {
        let err = to_js_error(&Error::new(kind, "x"));
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&err, "name").as_string().unwrap(), kind.js_name());
    }
}

#[wasm_bindgen_test]
async fn after_a_refused_job_the_next_one_runs() {
    let runner = pool().await;
    let too_big = object(&[("n", 500_000_000.into())]);
    JsFuture::from(runner.run("sum".into(), too_big, None))
        .await
        .unwrap_err();
    let ok = object(&[("n", 1_000.into())]);
    let report = JsFuture::from(runner.run("sum".into(), ok, None))
        .await
        .unwrap();
    assert_eq!(get(&report, "checksum").as_string().unwrap(), "1000");
}

#[wasm_bindgen_test]
fn catalogue_reaches_js_with_ranges() {
    let catalogue: js_sys::Array = Runner::new().workloads().unwrap().unchecked_into();
    let names: Vec<String> = catalogue
        .iter()
        .map(|w| get(&w, "name").as_string().unwrap())
        .collect();
    let engine: Vec<&str> = webpar::engine::WORKLOADS.iter().map(|w| w.name).collect();
    assert_eq!(names, engine, "the catalogue in the engine's order");
    let primes = catalogue.get(names.iter().position(|n| n == "primes").unwrap() as u32);
    let below = js_sys::Array::from(&get(&primes, "params")).get(0);
    assert_eq!(get(&below, "max").as_f64(), Some(1e9));
    assert_eq!(get(&below, "type").as_string().unwrap(), "integer");
}

#[wasm_bindgen_test]
fn validate_throws_without_running() {
    let runner = Runner::new();
    assert!(runner
        .validate("primes".into(), object(&[("below", 10.into())]))
        .is_ok());
    let err = runner
        .validate("primes".into(), object(&[("below", 2.5.into())]))
        .unwrap_err();
    assert_eq!(get(&err, "name").as_string().unwrap(), "InvalidParamsError");
}

/// `setInterval`/`clearInterval` on the global object, window or worker alike.
mod web_sys_like {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        pub type Global;
        #[wasm_bindgen(method, js_name = setInterval)]
        pub fn set_interval(this: &Global, handler: &js_sys::Function, ms: i32) -> JsValue;
        #[wasm_bindgen(method, js_name = clearInterval)]
        pub fn clear_interval(this: &Global, handle: JsValue);
    }
}

#[wasm_bindgen_test]
async fn thousands_of_jobs_submitted_at_once_all_settle() {
    // Handing jobs to the pool from the page's thread must never wait on a pool thread's lock
    // (the page's thread may not wait: it traps, and the job's Promise would stay pending).
    let runner = pool().await;
    let options = object(&[("mode", "sequential".into())]);
    let all = js_sys::Array::new();
    for _ in 0..5_000 {
        all.push(&runner.run("empty".into(), object(&[]), Some(options.clone())));
    }
    let settled = JsFuture::from(Promise::all(&all))
        .await
        .expect("every job resolves");
    let settled: js_sys::Array = settled.unchecked_into();
    assert_eq!(settled.length(), 5_000);
}
