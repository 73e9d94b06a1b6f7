//! The I/O driver natively, with a fake source and host: every call ends on its first poll,
//! and the clock advances by one millisecond per reading.
// Native only: it needs a blocking executor; the browser tests (web_*.rs) cover the same paths there.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::Cell;
use std::collections::BTreeSet;

use futures::executor::block_on;
use futures::future::{self, FutureExt, LocalBoxFuture};
use webpar::engine::StopReason;
use webpar::io::{drive, Call, CallResult, Host, IoControl, IoSpec, Outcome, Source, SpecValue};

struct FakeHost {
    now: Cell<f64>,
}

impl Host for FakeHost {
    fn now(&self) -> f64 {
        self.now.set(self.now.get() + 1.0);
        self.now.get()
    }
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        future::ready(()).boxed_local()
    }
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        future::ready(()).boxed_local()
    }
    fn memory_bytes(&self) -> u64 {
        1 << 20
    }
}

/// Fails the first attempt of every call whose index is a multiple of `fail_every`; odd
/// indices end at once, even ones through a future.
struct FakeSource {
    fail_every: u64,
}

impl Source for FakeSource {
    fn start(&self, index: u64, attempt: u32) -> Call {
        let fails = attempt == 1 && index % self.fail_every == 0;
        let outcome = Outcome {
            ok: !fails,
            bytes: 10,
            error: fails.then(|| "first attempt fails".to_string()),
            retryable: true,
            ..Outcome::default()
        };
        if index % 2 == 1 {
            Call::Ready(outcome)
        } else {
            Call::Pending(future::ready(outcome).boxed_local())
        }
    }
}

fn spec(calls: f64, retries: f64, batch: f64) -> IoSpec {
    let n = SpecValue::Number;
    IoSpec::parse(&[
        ("calls".into(), n(calls)),
        ("concurrency".into(), n(7.0)),
        ("admitChunk".into(), n(50.0)),
        ("batchSize".into(), n(batch)),
        ("retries".into(), n(retries)),
        ("retryBaseMs".into(), n(3.0)),
    ])
    .unwrap()
}

#[test]
fn every_call_is_delivered_once_in_batches_with_retries_counted() {
    let spec = spec(1_000.0, 1.0, 64.0);
    let control = IoControl::new(1_000);
    let mut batches: Vec<Vec<CallResult>> = Vec::new();
    let host = FakeHost {
        now: Cell::new(0.0),
    };
    let report = block_on(drive(
        &spec,
        &FakeSource { fail_every: 10 },
        &host,
        &control,
        &mut |b| batches.push(b),
    ));
    assert_eq!(
        report.succeeded, 1_000,
        "every first failure succeeds on its retry"
    );
    assert_eq!(report.retries, 100);
    assert_eq!((report.failed, report.cancelled), (0, 0));
    assert_eq!(report.bytes, 10_000);
    assert!(report.max_in_flight <= 7);
    assert_eq!(batches.len(), 16, "15 batches of 64 and one of 40");
    assert!(batches[..15].iter().all(|b| b.len() == 64) && batches[15].len() == 40);
    let indices: BTreeSet<u64> = batches.iter().flatten().map(|r| r.index).collect();
    assert!(indices.into_iter().eq(0..1_000));
    assert!(batches
        .iter()
        .flatten()
        .all(|r| r.attempts == if r.index % 10 == 0 { 2 } else { 1 }));
    assert_eq!(control.progress(), 1.0);
}

#[test]
fn without_retries_failures_are_final_and_named() {
    let control = IoControl::new(100);
    let host = FakeHost {
        now: Cell::new(0.0),
    };
    let report = block_on(drive(
        &spec(100.0, 0.0, 1000.0),
        &FakeSource { fail_every: 4 },
        &host,
        &control,
        &mut |_| {},
    ));
    assert_eq!((report.succeeded, report.failed), (75, 25));
    assert_eq!(report.first_errors, ["first attempt fails"]);
}

#[test]
fn cancelling_stops_new_calls_and_keeps_what_was_settled() {
    let control = IoControl::new(10_000);
    let host = FakeHost {
        now: Cell::new(0.0),
    };
    let mut delivered = 0u64;
    let report = block_on(drive(
        &spec(10_000.0, 0.0, 100.0),
        &FakeSource {
            fail_every: u64::MAX,
        },
        &host,
        &control,
        &mut |batch| {
            delivered += batch.len() as u64;
            if delivered >= 300 {
                control.cancel(StopReason::Abort);
            }
        },
    ));
    assert!(report.succeeded + report.failed >= 300 && report.succeeded < 10_000);
    assert_eq!(report.succeeded + report.failed + report.cancelled, 10_000);
    // Index 0 fails its only attempt (0 is a multiple of anything); every settled result,
    // success or failure, was delivered.
    assert_eq!(report.failed, 1);
    assert_eq!(delivered, report.succeeded + report.failed, "{report:?}");
    assert_eq!(control.stop_reason(), Some(StopReason::Abort));
}

/// A host whose clock stands still (the driver never yields for time) and that records each
/// turn of the event loop it is asked for.
struct StillHost {
    events: std::rc::Rc<std::cell::RefCell<Vec<&'static str>>>,
}

impl Host for StillHost {
    fn now(&self) -> f64 {
        0.0
    }
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        future::ready(()).boxed_local()
    }
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        self.events.borrow_mut().push("yield");
        future::ready(()).boxed_local()
    }
    fn memory_bytes(&self) -> u64 {
        1 << 20
    }
}

#[test]
fn the_event_loop_runs_between_any_two_batches() {
    let spec = spec(100.0, 0.0, 10.0);
    let control = IoControl::new(100);
    let events = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let host = StillHost {
        events: std::rc::Rc::clone(&events),
    };
    let recorded = std::rc::Rc::clone(&events);
    let mut on_batch = |batch: Vec<CallResult>| {
        assert_eq!(batch.len(), 10);
        recorded.borrow_mut().push("batch");
    };
    let report = block_on(drive(
        &spec,
        &FakeSource {
            fail_every: u64::MAX,
        },
        &host,
        &control,
        &mut on_batch,
    ));
    assert_eq!(report.succeeded + report.failed, 100);
    let events = events.borrow();
    let batches: Vec<usize> = (0..events.len())
        .filter(|&i| events[i] == "batch")
        .collect();
    assert_eq!(batches.len(), 10);
    for pair in batches.windows(2) {
        assert!(
            events[pair[0]..pair[1]].contains(&"yield"),
            "two batches back to back: {events:?}"
        );
    }
}
