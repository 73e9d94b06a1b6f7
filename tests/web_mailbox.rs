//! The page's thread hands values to pool threads without ever waiting on a lock: a
//! `Mailbox` put from the main thread while pool threads take from it (and hold its lock for
//! a moment each time) never traps with "Atomics.wait cannot be called in this context", as a
//! channel's send did when it met its receiver registering (the pool's start hands its
//! threads over this way).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use futures::channel::oneshot;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use webpar::sync::Mailbox;
use webpar::web::start_thread_pool;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_main_thread_puts_while_pool_threads_take_and_never_waits() {
    JsFuture::from(start_thread_pool(2.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    const ITEMS: u64 = 200_000;
    for round in 0..5 {
        let mailbox = Arc::new(Mailbox::new());
        let mut sums = Vec::new();
        for _ in 0..2 {
            let (send, sum) = oneshot::channel();
            let mailbox = Arc::clone(&mailbox);
            webpar::engine::pool::spawn(move || {
                let mut total = 0u64;
                while let Some(item) = mailbox.take() {
                    total += item;
                }
                let _ = send.send(total);
            });
            sums.push(sum);
        }
        for item in 1..=ITEMS {
            mailbox.put(item).unwrap();
        }
        assert!(mailbox.close());
        let mut total = 0;
        for sum in sums {
            total += sum.await.unwrap();
        }
        assert_eq!(total, ITEMS * (ITEMS + 1) / 2, "round {round}");
    }
}
