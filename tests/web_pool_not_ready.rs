//! Before `initThreadPool` resolves, jobs reject with `PoolNotReadyError` instead of hanging
//! (this test binary never starts the pool).
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::web::Runner;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn run_before_the_pool_rejects_with_pool_not_ready() {
    let runner = Runner::new();
    assert_eq!(runner.threads(), None);
    let params = js_sys::Object::new();
    Reflect::set(&params, &"below".into(), &1000.into()).unwrap();
    let err = JsFuture::from(runner.run("primes".into(), params.clone().into(), None))
        .await
        .unwrap_err();
    let name = Reflect::get(&err, &"name".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(name, "PoolNotReadyError");
    let message = Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.contains("initThreadPool"), "{message}");
    // Validation errors still come first: they do not need the pool.
    let err = JsFuture::from(runner.compare("nope".into(), params.into(), None))
        .await
        .unwrap_err();
    assert_eq!(
        Reflect::get(&err, &"name".into())
            .unwrap()
            .as_string()
            .unwrap(),
        "UnknownWorkloadError"
    );
}
