//! A panic on a pool thread aborts the threaded instance (no unwinding in wasm). Jobs waiting
//! for a result must not hang: they reject with `EngineCrashedError`, and so do later jobs.
//! A test binary of its own, since the crash ends its engine.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::web::{start_thread_pool, Runner};

wasm_bindgen_test_configure!(run_in_browser);

fn name_of(err: &JsValue) -> String {
    Reflect::get(err, &"name".into())
        .unwrap()
        .as_string()
        .unwrap()
}

fn primes(below: u32) -> JsValue {
    let params = js_sys::Object::new();
    Reflect::set(&params, &"below".into(), &below.into()).unwrap();
    params.into()
}

#[wasm_bindgen_test]
async fn a_panic_on_a_pool_thread_rejects_pending_and_later_jobs() {
    JsFuture::from(start_thread_pool(2.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    let runner = Runner::new();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"mode".into(), &"sequential".into()).unwrap();
    // About two seconds on one thread: still pending when the other thread panics.
    let pending = runner.run("primes".into(), primes(15_000_000), Some(options.into()));
    webpar::engine::pool::spawn(|| panic!("a deliberate panic on a pool thread"));

    let err = JsFuture::from(pending)
        .await
        .expect_err("the pending job rejects");
    assert_eq!(name_of(&err), "EngineCrashedError");
    let message = Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.contains("a deliberate panic"), "{message}");
    assert!(message.contains("reload"), "{message}");

    let later = JsFuture::from(runner.run("primes".into(), primes(100), None)).await;
    assert_eq!(name_of(&later.unwrap_err()), "EngineCrashedError");
    assert_eq!(runner.threads(), None, "the pool no longer counts as ready");
}
