//! I/O jobs in headless Chromium: the timer source, and the fetch source against the dev
//! server (`WEBPAR_API`, set by `./build.sh test` to the server it starts; its `/api/`
//! allows cross-origin reads). Accounting, batches, failures, retries, timeouts and aborts.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::web::Runner;

wasm_bindgen_test_configure!(run_in_browser);

/// The dev server's origin, e.g. `http://127.0.0.1:41234`.
fn api() -> &'static str {
    match option_env!("WEBPAR_API") {
        Some(url) => url,
        None => panic!(
            "WEBPAR_API must name the dev server (./build.sh test sets it) for the fetch tests"
        ),
    }
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn number(value: &JsValue, key: &str) -> f64 {
    get(value, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number"))
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// The batches an `onBatch` callback received.
type Batches = Rc<RefCell<Vec<Vec<JsValue>>>>;

/// An `onBatch` callback that keeps every batch; returns it with the batches seen.
fn collector() -> (Closure<dyn FnMut(JsValue)>, Batches) {
    let batches = Rc::new(RefCell::new(Vec::new()));
    let seen = batches.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |batch: JsValue| {
        seen.borrow_mut().push(Array::from(&batch).iter().collect());
    });
    (callback, batches)
}

async fn io(spec: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Runner::new().io(spec, Some(options))).await
}

fn abort_after(ms: i32) -> JsValue {
    let global = js_sys::global();
    let constructor: Function = get(&global, "AbortController").unchecked_into();
    let controller = Reflect::construct(&constructor, &Array::new()).unwrap();
    let abort: Function = get(&controller, "abort").unchecked_into();
    let bound = abort.bind0(&controller);
    let set_timeout: Function = get(&global, "setTimeout").unchecked_into();
    set_timeout
        .call2(&JsValue::NULL, &bound, &ms.into())
        .unwrap();
    get(&controller, "signal")
}

#[wasm_bindgen_test]
async fn timer_calls_are_each_delivered_once_in_batches() {
    let (callback, batches) = collector();
    let spec = object(&[
        ("calls", 2_000.into()),
        ("latencyMs", 5.into()),
        ("concurrency", 100.into()),
        ("batchSize", 300.into()),
        ("admitChunk", 250.into()),
    ]);
    let report = io(spec, object(&[("onBatch", callback.as_ref().clone())]))
        .await
        .unwrap();
    assert_eq!(number(&report, "succeeded"), 2_000.0);
    assert_eq!(
        number(&report, "failed") + number(&report, "cancelled"),
        0.0
    );
    assert_eq!(number(&report, "maxInFlight"), 100.0);
    let batches = batches.borrow();
    assert_eq!(batches.len(), 7, "6 full batches of 300 and one of 200");
    assert!(batches[..6].iter().all(|b| b.len() == 300) && batches[6].len() == 200);
    let indices: BTreeSet<u64> = batches
        .iter()
        .flatten()
        .map(|r| number(r, "index") as u64)
        .collect();
    assert_eq!(indices.len(), 2_000);
    assert!(
        indices.into_iter().eq(0..2_000),
        "every input index exactly once"
    );
    assert_eq!(number(&report, "batches"), 7.0);
    let ideal = number(&report, "idealMs");
    assert_eq!(ideal, 100.0, "ceil(2000 / 100) x 5 ms");
}

#[wasm_bindgen_test]
async fn failures_and_retries_are_accounted_for() {
    let (callback, batches) = collector();
    let spec = object(&[
        ("calls", 400.into()),
        ("latencyMs", 1.into()),
        ("failureRate", 0.5.into()),
        ("retries", 1.into()),
        ("retryBaseMs", 1.into()),
        ("seed", 42.into()),
    ]);
    let report = io(spec, object(&[("onBatch", callback.as_ref().clone())]))
        .await
        .unwrap();
    let (ok, failed) = (number(&report, "succeeded"), number(&report, "failed"));
    assert_eq!(ok + failed, 400.0);
    assert!(
        failed > 50.0 && failed < 150.0,
        "about a quarter fail twice: {failed}"
    );
    assert!(
        number(&report, "retries") >= failed,
        "every final failure was retried once"
    );
    let results: Vec<JsValue> = batches.borrow().iter().flatten().cloned().collect();
    assert_eq!(results.len(), 400);
    for result in &results {
        let attempts = number(result, "attempts");
        assert!((1.0..=2.0).contains(&attempts));
        if get(result, "ok") == JsValue::FALSE {
            assert_eq!(attempts, 2.0, "a final failure used its retry");
            assert_eq!(
                get(result, "error").as_string().unwrap(),
                "simulated failure"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_per_call_timeout_fails_slow_calls() {
    let spec = object(&[
        ("calls", 10.into()),
        ("latencyMs", 5_000.into()),
        ("timeoutMs", 30.into()),
        ("concurrency", 10.into()),
    ]);
    let report = io(spec, JsValue::UNDEFINED).await.unwrap();
    assert_eq!(number(&report, "failed"), 10.0);
    assert!(
        number(&report, "makespanMs") < 2_000.0,
        "the timeout, not the latency, ends them"
    );
    let errors = Array::from(&get(&report, "firstErrors"));
    assert_eq!(errors.get(0).as_string().unwrap(), "timed out after 30 ms");
}

#[wasm_bindgen_test]
async fn fetch_calls_the_dev_server() {
    let url = format!("{}/api/delay?ms=20&bytes=100&i={{i}}", api());
    let (callback, batches) = collector();
    let spec = object(&[
        ("source", "fetch".into()),
        ("url", url.into()),
        ("calls", 50.into()),
        ("concurrency", 10.into()),
    ]);
    let report = io(spec, object(&[("onBatch", callback.as_ref().clone())]))
        .await
        .unwrap();
    assert_eq!(number(&report, "succeeded"), 50.0);
    assert_eq!(number(&report, "bytes"), 5_000.0);
    assert!(batches
        .borrow()
        .iter()
        .flatten()
        .all(|r| number(r, "status") == 200.0));
    assert!(number(&report, "latencyP50Ms") >= 19.0);
}

#[wasm_bindgen_test]
async fn fetch_failures_are_retried_only_when_retrying_can_help() {
    let spec = |status: u16| {
        object(&[
            ("source", "fetch".into()),
            (
                "url",
                format!("{}/api/delay?status={status}&i={{i}}", api()).into(),
            ),
            ("calls", 10.into()),
            ("retries", 2.into()),
            ("retryBaseMs", 5.into()),
        ])
    };
    let unavailable = io(spec(503), JsValue::UNDEFINED).await.unwrap();
    assert_eq!(number(&unavailable, "failed"), 10.0);
    assert_eq!(
        number(&unavailable, "retries"),
        20.0,
        "503: two retries each"
    );
    let missing = io(spec(404), JsValue::UNDEFINED).await.unwrap();
    assert_eq!(number(&missing, "failed"), 10.0);
    assert_eq!(
        number(&missing, "retries"),
        0.0,
        "404: retrying cannot help"
    );
    assert_eq!(
        Array::from(&get(&missing, "firstErrors"))
            .get(0)
            .as_string()
            .unwrap(),
        "HTTP 404"
    );
}

#[wasm_bindgen_test]
async fn a_fetch_timeout_aborts_the_request() {
    let url = format!("{}/api/delay?ms=5000&i={{i}}", api());
    let spec = object(&[
        ("source", "fetch".into()),
        ("url", url.into()),
        ("calls", 4.into()),
        ("timeoutMs", 100.into()),
    ]);
    let report = io(spec, JsValue::UNDEFINED).await.unwrap();
    assert_eq!(number(&report, "failed"), 4.0);
    assert!(number(&report, "makespanMs") < 2_000.0);
}

#[wasm_bindgen_test]
async fn aborting_stops_fetches_in_flight_and_keeps_what_was_delivered() {
    let url = format!("{}/api/delay?ms=5000&i={{i}}", api());
    let spec = object(&[
        ("source", "fetch".into()),
        ("url", url.into()),
        ("calls", 20.into()),
        ("concurrency", 20.into()),
    ]);
    let started = js_sys::Date::now();
    let err = io(spec, object(&[("signal", abort_after(200))]))
        .await
        .unwrap_err();
    assert!(
        js_sys::Date::now() - started < 2_000.0,
        "rejects promptly, not after the 5 s calls"
    );
    assert_eq!(get(&err, "name").as_string().unwrap(), "AbortError");
    let report = get(&err, "report");
    assert_eq!(number(&report, "cancelled"), 20.0);

    // A timer job aborted midway: every settled result was delivered, none twice.
    let (callback, batches) = collector();
    let spec = object(&[
        ("calls", 10_000.into()),
        ("latencyMs", 10.into()),
        ("concurrency", 10.into()),
        ("batchSize", 7.into()),
    ]);
    let options = object(&[
        ("signal", abort_after(150)),
        ("onBatch", callback.as_ref().clone()),
    ]);
    let err = io(spec, options).await.unwrap_err();
    let report = get(&err, "report");
    let delivered: Vec<u64> = batches
        .borrow()
        .iter()
        .flatten()
        .map(|r| number(r, "index") as u64)
        .collect();
    assert!(!delivered.is_empty());
    assert_eq!(
        delivered.len() as f64,
        number(&report, "succeeded"),
        "nothing settled is lost"
    );
    assert_eq!(
        delivered.iter().collect::<BTreeSet<_>>().len(),
        delivered.len()
    );
    assert_eq!(
        number(&report, "succeeded") + number(&report, "cancelled"),
        10_000.0
    );
}

#[wasm_bindgen_test]
async fn bad_specs_are_invalid_params_naming_the_field() {
    let cases = [
        (object(&[("latencyMs", 5.into())]), "calls"),
        (
            object(&[("calls", 5.into()), ("concurrency", 0.into())]),
            "concurrency",
        ),
        (
            object(&[("calls", 5.into()), ("source", "ftp".into())]),
            "source",
        ),
        (object(&[("calls", 5.into()), ("url", "/x".into())]), "url"),
        (
            object(&[("calls", 5.into()), ("source", "fetch".into())]),
            "url",
        ),
        (
            object(&[("calls", 5.into()), ("failureRate", 2.into())]),
            "failureRate",
        ),
        (
            object(&[("calls", 5.into()), ("concurrence", 2.into())]),
            "concurrence",
        ),
    ];
    for (spec, param) in cases {
        let err = io(spec, JsValue::UNDEFINED).await.unwrap_err();
        assert_eq!(
            get(&err, "name").as_string().unwrap(),
            "InvalidParamsError",
            "{param}"
        );
        assert_eq!(get(&err, "param").as_string().as_deref(), Some(param));
    }
    let _: Promise = Runner::new().io(JsValue::UNDEFINED, None);
}

#[wasm_bindgen_test]
async fn calls_sharing_timers_never_end_early_and_a_stopped_job_leaves_no_sleepers() {
    // 20,000 calls in flight at once share a few JS timers (one per millisecond of deadline);
    // each must still wait its full latency.
    let (callback, batches) = collector();
    let spec = object(&[
        ("calls", 20_000.into()),
        ("latencyMs", 20.into()),
        ("jitterMs", 10.into()),
        ("concurrency", 20_000.into()),
        ("admitChunk", 20_000.into()),
        ("batchSize", 10_000.into()),
    ]);
    let report = io(spec, object(&[("onBatch", callback.as_ref().clone())]))
        .await
        .unwrap();
    assert_eq!(number(&report, "succeeded"), 20_000.0);
    assert_eq!(number(&report, "maxInFlight"), 20_000.0);
    let shortest = batches
        .borrow()
        .iter()
        .flatten()
        .map(|r| number(r, "latencyMs"))
        .fold(f64::INFINITY, f64::min);
    // (Within clock-reading noise: a call's start is read a few µs after its sleep begins.)
    assert!(
        shortest >= 19.9,
        "a call ended after {shortest} ms, before its 20 ms latency"
    );

    // A job aborted with 10,000 calls waiting drops their sleepers: the heap returns to where
    // it was once the shared timers have fired.
    let heap = || number(&webpar::web::memory_usage().unwrap(), "heapBytes");
    let before = heap();
    let spec = object(&[
        ("calls", 10_000.into()),
        ("latencyMs", 50.into()),
        ("concurrency", 10_000.into()),
    ]);
    let err = io(spec, object(&[("signal", abort_after(10))]))
        .await
        .unwrap_err();
    assert_eq!(get(&err, "name").as_string().unwrap(), "AbortError");
    sleep_ms(100).await;
    let grown = heap() - before;
    assert!(grown < 64.0 * 1024.0, "the heap grew by {grown} bytes");
}

async fn sleep_ms(ms: i32) {
    let set_timeout: Function = get(&js_sys::global(), "setTimeout").unchecked_into();
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout
            .call2(&JsValue::NULL, &resolve, &ms.into())
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}
