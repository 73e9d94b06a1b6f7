//! Sleeping without one JS timer per sleeper: sleeps that end within a millisecond of each
//! other share one `setTimeout`.
//!
//! An I/O job at concurrency 100,000 has 100,000 calls waiting at once. With a JS timer, a
//! Promise and a closure each, those are 300,000 live JS objects, and every young-generation
//! collection of V8 copies them: traced at 28–43 ms per collection on 2 cores, each one a
//! frozen frame. Here a sleeper is a oneshot channel on the wasm heap, and the JS side holds one
//! timer per group of deadlines (a few hundred for calls started over a few hundred ms).
//!
//! A group's timer is set for the exact latency of the sleep that made it (a timer's delay is
//! whole milliseconds from the moment it is set), so that a wave of calls started together
//! ends when its first call is due plus the browser's own lateness (~0.4 ms), not rounded up
//! to a millisecond grid twice (the 10,000-call bench lost ~1.9 ms per 100 ms wave to that).

use std::cell::RefCell;
use std::collections::BTreeMap;

use futures_channel::oneshot;
use futures_util::future::{FutureExt, LocalBoxFuture};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::clock::performance_now;
use super::js::{set_timeout, MessageChannel};

/// A sleep may join a group whose timer fires up to this long before its deadline (it is then
/// woken by a later timer of its own if the first one came too soon; a browser fires ~0.4 ms
/// late, so it rarely does), or up to [`LATER_MS`] after it.
const SOONER_MS: f64 = 0.5;
const LATER_MS: f64 = 1.0;

/// A sleeper: its deadline on `performance.now()`'s clock and how to wake it.
type Sleeper = (f64, oneshot::Sender<()>);

thread_local! {
    /// Groups of sleepers by the time their timer fires (µs on `performance.now()`'s clock).
    static GROUPS: RefCell<BTreeMap<u64, Vec<Sleeper>>> = const { RefCell::new(BTreeMap::new()) };
}

/// A future that resolves `ms` milliseconds from now, never sooner. Dropping it cancels the
/// sleep.
pub fn sleep(ms: f64) -> LocalBoxFuture<'static, ()> {
    let (wake, woken) = oneshot::channel();
    add((performance_now() + ms.max(0.0), wake));
    woken.map(drop).boxed_local()
}

/// Puts a sleeper into the group whose timer fires nearest after its deadline (within the
/// bounds above), or into a new group with a timer of its own.
fn add(sleeper: Sleeper) {
    let deadline = sleeper.0;
    let now = performance_now();
    let joined = GROUPS.with_borrow_mut(|groups| {
        let near = micros(deadline - SOONER_MS)..micros(deadline + LATER_MS);
        match groups.range_mut(near).next() {
            Some((_, group)) => {
                group.push(sleeper);
                None
            }
            None => {
                // A timer's delay counts whole milliseconds from now: the group fires at
                // `fires`, at or after the deadline.
                let delay = (deadline - now).max(0.0).ceil();
                let fires = micros(now + delay);
                groups.entry(fires).or_default().push(sleeper);
                Some((fires, delay))
            }
        }
    });
    if let Some((fires, delay)) = joined {
        let fire = Closure::once_into_js(move || wake_group(fires));
        set_timeout(fire.unchecked_ref(), delay);
    }
}

/// Wakes the sleepers of the group firing at `fires` whose deadline has come. Those that
/// joined it with a later deadline (or all of them, when a browser fires a timer early on
/// `performance.now()`'s clock: measured, half a millisecond) sleep on; they are added again
/// from a message to ourselves, as a timer set from a timer is clamped to 4 ms once timers
/// nest five deep (the HTML standard), and every wave of an I/O job's calls nests them.
fn wake_group(fires: u64) {
    let Some(group) = GROUPS.with_borrow_mut(|groups| groups.remove(&fires)) else {
        return;
    };
    let now = performance_now();
    let mut early = Vec::new();
    for (deadline, wake) in group {
        if deadline <= now {
            // A sleeper that was dropped (a cancelled call) has nobody to wake.
            let _ = wake.send(());
        } else if !wake.is_canceled() {
            early.push((deadline, wake));
        }
    }
    if !early.is_empty() {
        let channel = MessageChannel::new();
        let port = channel.port1();
        let again = Closure::once_into_js(move || {
            port.close();
            early.into_iter().for_each(add);
        });
        channel.port1().set_onmessage(again.unchecked_ref());
        channel.port2().post_message(&JsValue::NULL);
    }
}

/// Microseconds, the groups' key.
fn micros(ms: f64) -> u64 {
    (ms.max(0.0) * 1_000.0) as u64
}
