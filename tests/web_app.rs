//! A Rust app's own parallel code from Rust (`webpar::web::app`), in headless Chromium and
//! Firefox: the pool starts from Rust, a closure runs on it with rayon inside, and its task
//! reports progress, can be cancelled, and passes the closure's error on.
#![cfg(target_arch = "wasm32")]

use rayon::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::web::app::{spawn, start};
use webpar::{Error, ErrorKind};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32);
}

/// Lets the caller's event loop run for `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_closure_runs_on_the_pool_with_rayon_inside() {
    assert_eq!(start(Some(2)).await.unwrap(), 2);
    // Again, with no size: the same pool.
    assert_eq!(start(None).await.unwrap(), 2);
    let task = spawn(|_ctx| {
        let on_pool = rayon::current_thread_index().is_some();
        let threads = rayon::current_num_threads();
        let sum: u64 = (0..1_000_000u64).into_par_iter().map(|n| n % 7).sum();
        let (a, b) = rayon::join(|| 6, || 7);
        Ok((on_pool, threads, sum, a * b))
    });
    assert_eq!(task.await.unwrap(), (true, 2, 2_999_997, 42));
}

#[wasm_bindgen_test]
async fn a_task_reports_progress_and_stops_when_cancelled() {
    start(Some(2)).await.unwrap();
    let task = spawn(|ctx| {
        ctx.set_total(1_000_000_000);
        let mut steps = 0u64;
        loop {
            // Never ends by itself: only the cancel stops it, at a checkpoint.
            ctx.checkpoint(1)?;
            steps += 1;
            let mut x = steps;
            for _ in 0..1_000 {
                x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
            }
            if x == 0 {
                return Ok(steps);
            }
        }
    });
    let mut waited = 0;
    while task.progress() == 0.0 {
        assert!(waited < 10_000, "the task reported no progress within 10 s");
        sleep(10).await;
        waited += 10;
    }
    let seen = task.progress();
    assert!(seen > 0.0 && seen < 1.0, "progress {seen}");
    task.cancel();
    let err = task.await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Aborted);
}

#[wasm_bindgen_test]
async fn the_closures_error_is_the_tasks() {
    start(Some(2)).await.unwrap();
    let err = spawn(|_ctx| -> Result<u32, Error> { Err(Error::invalid("no such thing")) })
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.message()),
        (ErrorKind::InvalidParams, "no such thing")
    );
    // A second pool size is refused with the pool's own error.
    let err = start(Some(3)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParams);
}
