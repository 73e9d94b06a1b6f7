//! Job controls in headless Chromium with the pool running: abort through an AbortSignal,
//! timeouts, progress callbacks, and scaling sweeps.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::web::{start_thread_pool, Runner};

wasm_bindgen_test_configure!(run_in_browser);

async fn pool() -> Runner {
    JsFuture::from(start_thread_pool(2.into(), JsValue::UNDEFINED))
        .await
        .expect("pool starts");
    Runner::new()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn global_fn(name: &str) -> Function {
    get(&js_sys::global(), name).unchecked_into()
}

fn now() -> f64 {
    let performance = get(&js_sys::global(), "performance");
    let now: Function = get(&performance, "now").unchecked_into();
    now.call0(&performance).unwrap().as_f64().unwrap()
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        global_fn("setTimeout")
            .call2(&JsValue::NULL, &resolve, &ms.into())
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// A new AbortController: (controller, its signal).
fn abort_controller() -> (JsValue, JsValue) {
    let controller = Reflect::construct(&global_fn("AbortController"), &Array::new()).unwrap();
    let signal = get(&controller, "signal");
    (controller, signal)
}

fn abort(controller: &JsValue) {
    let abort: Function = get(controller, "abort").unchecked_into();
    abort.call0(controller).unwrap();
}

fn error_name(err: &JsValue) -> String {
    get(err, "name").as_string().unwrap()
}

/// The largest allowed `primes` job: minutes of work, so it can only end by being stopped.
fn huge_primes() -> JsValue {
    object(&[("below", 1_000_000_000.into())])
}

async fn next_run_succeeds(runner: &Runner) {
    let report =
        JsFuture::from(runner.run("primes".into(), object(&[("below", 100_000.into())]), None))
            .await
            .expect("the pool serves the next run");
    assert_eq!(get(&report, "checksum").as_string().unwrap(), "9592");
}

#[wasm_bindgen_test]
async fn aborting_mid_run_rejects_with_abort_error_and_the_pool_goes_on() {
    let runner = pool().await;
    let (controller, signal) = abort_controller();
    let options = object(&[("signal", signal)]);
    let running = JsFuture::from(runner.run("primes".into(), huge_primes(), Some(options)));
    let aborter = async {
        sleep(300).await;
        abort(&controller);
        now()
    };
    let (result, aborted_at) = futures::join!(running, aborter);
    let latency_ms = now() - aborted_at;
    let err = result.expect_err("an aborted run rejects");
    assert_eq!(error_name(&err), "AbortError");
    // The full run would take minutes; the kernel stops at its next chunk.
    assert!(
        latency_ms < 1_000.0,
        "rejected {latency_ms:.0} ms after the abort"
    );
    next_run_succeeds(&runner).await;
}

#[wasm_bindgen_test]
async fn a_timeout_rejects_with_timeout_error_and_the_pool_goes_on() {
    let runner = pool().await;
    let options = object(&[("timeoutMs", 200.into()), ("mode", "sequential".into())]);
    let started = now();
    let err = JsFuture::from(runner.run(
        "mandelbrot".into(),
        object(&[
            ("width", 20_000.into()),
            ("height", 20_000.into()),
            ("max_iter", 100_000.into()),
        ]),
        Some(options),
    ))
    .await
    .expect_err("a run past its deadline rejects");
    assert_eq!(error_name(&err), "TimeoutError");
    assert!(now() - started < 2_000.0);
    next_run_succeeds(&runner).await;
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_runs_nothing() {
    let runner = pool().await;
    let (controller, signal) = abort_controller();
    abort(&controller);
    let progress = Rc::new(RefCell::new(Vec::<f64>::new()));
    let seen = progress.clone();
    let callback = Closure::<dyn FnMut(f64)>::new(move |p| seen.borrow_mut().push(p));
    let options = object(&[
        ("signal", signal),
        ("onProgress", callback.as_ref().clone()),
    ]);
    let err = JsFuture::from(runner.run("primes".into(), huge_primes(), Some(options)))
        .await
        .unwrap_err();
    assert_eq!(error_name(&err), "AbortError");
    assert!(progress.borrow().is_empty(), "nothing ran, so no progress");
}

#[wasm_bindgen_test]
async fn progress_is_monotone_frequent_and_ends_at_one() {
    let runner = pool().await;
    let progress = Rc::new(RefCell::new(Vec::<f64>::new()));
    let seen = progress.clone();
    let callback = Closure::<dyn FnMut(f64)>::new(move |p| seen.borrow_mut().push(p));
    let options = object(&[
        ("onProgress", callback.as_ref().clone()),
        ("mode", "sequential".into()),
        ("repeats", 2.into()),
    ]);
    let started = now();
    JsFuture::from(runner.run(
        "primes".into(),
        object(&[("below", 5_000_000.into())]),
        Some(options),
    ))
    .await
    .unwrap();
    let elapsed_s = (now() - started) / 1000.0;
    let values = progress.borrow();
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "monotone: {values:?}"
    );
    assert!(
        values.iter().all(|p| (0.0..=1.0).contains(p)),
        "in [0, 1]: {values:?}"
    );
    assert_eq!(values.last(), Some(&1.0), "ends at 1");
    assert!(
        values.iter().any(|&p| p > 0.0 && p < 1.0),
        "reports intermediate values: {values:?}"
    );
    // Called every 100 ms: at least 5 per second of run (a generous floor for a busy machine).
    assert!(
        values.len() as f64 >= 5.0 * elapsed_s * 0.6,
        "{} calls in {elapsed_s:.2} s",
        values.len()
    );
}

#[wasm_bindgen_test]
async fn compare_and_sweep_take_the_controls_too() {
    let runner = pool().await;
    let (controller, signal) = abort_controller();
    let running = JsFuture::from(runner.sweep(
        "primes".into(),
        huge_primes(),
        Some(object(&[("signal", signal)])),
    ));
    let aborter = async {
        sleep(200).await;
        abort(&controller);
    };
    let (result, ()) = futures::join!(running, aborter);
    assert_eq!(error_name(&result.unwrap_err()), "AbortError");
    let options = object(&[("timeoutMs", 150.into())]);
    let err = JsFuture::from(runner.compare("primes".into(), huge_primes(), Some(options)))
        .await
        .unwrap_err();
    assert_eq!(error_name(&err), "TimeoutError");
    next_run_succeeds(&runner).await;
}

#[wasm_bindgen_test]
async fn sweep_returns_one_row_per_thread_count_with_equal_checksums() {
    let runner = pool().await;
    let threads: JsValue = Array::of1(&2.into()).into();
    let options = object(&[("threads", threads), ("repeats", 2.into())]);
    let sweep = JsFuture::from(runner.sweep(
        "primes".into(),
        object(&[("below", 2_000_000.into())]),
        Some(options),
    ))
    .await
    .unwrap();
    let rows: Array = get(&sweep, "rows").unchecked_into();
    assert_eq!(rows.length(), 2, "1 is always added");
    assert_eq!(get(&rows.get(0), "threads").as_f64(), Some(1.0));
    assert_eq!(get(&rows.get(1), "threads").as_f64(), Some(2.0));
    assert_eq!(get(&rows.get(0), "speedup").as_f64(), Some(1.0));
    assert_eq!(
        get(&rows.get(0), "threadsUsed").as_f64(),
        Some(1.0),
        "one lane runs on one thread"
    );
    for row in rows.iter() {
        assert_eq!(get(&row, "checksum").as_string().unwrap(), "148933");
        assert_eq!(Array::from(&get(&row, "timesMs")).length(), 2);
    }
    assert_eq!(get(&sweep, "checksumsMatch"), JsValue::TRUE);
    let serial = get(&sweep, "serialFraction")
        .as_f64()
        .expect("fitted with two thread counts");
    assert!((0.0..=1.0).contains(&serial));
    assert!(get(&sweep, "cores").as_f64().unwrap() >= 1.0);
}

#[wasm_bindgen_test]
async fn bad_controls_and_thread_counts_are_invalid_params() {
    let runner = pool().await;
    let params = || object(&[("below", 10.into())]);
    for (key, value) in [
        ("signal", JsValue::from(5)),
        ("onProgress", "x".into()),
        ("timeoutMs", 0.into()),
        ("threads", 2.into()),
    ] {
        let options = object(&[(key, value)]);
        let err = JsFuture::from(runner.sweep("primes".into(), params(), Some(options)))
            .await
            .unwrap_err();
        assert_eq!(error_name(&err), "InvalidParamsError", "{key}");
        assert_eq!(get(&err, "param").as_string().as_deref(), Some(key));
    }
    let too_many = object(&[("threads", Array::of1(&3.into()).into())]);
    let err = JsFuture::from(runner.sweep("primes".into(), params(), Some(too_many)))
        .await
        .unwrap_err();
    assert_eq!(error_name(&err), "InvalidParamsError");
    assert!(get(&err, "message").as_string().unwrap().contains("1..=2"));
}
