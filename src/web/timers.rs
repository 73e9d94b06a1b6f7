//! Sleeping without one JS timer per sleeper: every sleep that ends in the same millisecond
//! shares one `setTimeout`.
//!
//! An I/O job at concurrency 100,000 has 100,000 calls waiting at once. With a JS timer, a
//! Promise and a closure each, those are 300,000 live JS objects, and every young-generation
//! collection of V8 copies them: traced at 28–43 ms per collection on 2 cores, each one a
//! frozen frame. Here a sleeper is a oneshot channel on the wasm heap, and the JS side holds one
//! timer per distinct deadline (a few hundred for calls started over a few hundred ms).

use std::cell::RefCell;
use std::collections::BTreeMap;

use futures_channel::oneshot;
use futures_util::future::{FutureExt, LocalBoxFuture};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::clock::performance_now;
use super::js::set_timeout;

thread_local! {
    /// Sleepers by deadline (whole ms on `performance.now()`'s clock); the deadline's timer
    /// wakes all of them and removes the entry.
    static SLEEPERS: RefCell<BTreeMap<u64, Vec<oneshot::Sender<()>>>> =
        const { RefCell::new(BTreeMap::new()) };
}

/// A future that resolves `ms` milliseconds from now (rounded up to the next whole
/// millisecond of the clock). Dropping it cancels the sleep.
pub fn sleep(ms: f64) -> LocalBoxFuture<'static, ()> {
    let deadline = (performance_now() + ms.max(0.0)).ceil() as u64;
    let (wake, woken) = oneshot::channel();
    let first = SLEEPERS.with_borrow_mut(|sleepers| {
        let waiting = sleepers.entry(deadline).or_default();
        waiting.push(wake);
        waiting.len() == 1
    });
    if first {
        arm(deadline);
    }
    woken.map(drop).boxed_local()
}

/// Sets the JS timer of `deadline`'s sleepers. A browser may fire a timer a little before
/// its time on `performance.now()`'s clock (measured: half a millisecond): then the timer is
/// set again for what is left, so that no sleep ever ends early.
fn arm(deadline: u64) {
    let fire = Closure::once_into_js(move || {
        if performance_now() < deadline as f64 {
            arm(deadline);
            return;
        }
        let due = SLEEPERS.with_borrow_mut(|sleepers| sleepers.remove(&deadline));
        for wake in due.into_iter().flatten() {
            // A sleeper that was dropped (a cancelled call) has nobody to wake.
            let _ = wake.send(());
        }
    });
    set_timeout(fire.unchecked_ref(), deadline as f64 - performance_now());
}
