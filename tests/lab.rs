//! The lab's threads experiments natively, on rayon's global pool: each invariant they
//! exist to show (updates lost without a lock and never with one, a semaphore's bound,
//! barrier phases that never overlap, an event that holds its waiters, a queue that delivers
//! every item exactly once), and their parameter checks.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use webpar::engine::{native_clock, Ctx};
use webpar::lab::{self, Cell, LabReport, EXPERIMENTS};

/// The experiments' threads must all run at once: the tests take turns on the pool.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run(name: &str, params: &[(&str, f64)]) -> Result<LabReport, webpar::Error> {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let given: BTreeMap<String, f64> = params.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    lab::run(name, &given, &Ctx::new(), native_clock)
}

fn number(cell: &Cell) -> f64 {
    match cell {
        Cell::Number(n) => *n,
        other => panic!("not a number: {other:?}"),
    }
}

fn threads() -> f64 {
    rayon::current_num_threads().min(2) as f64
}

#[test]
fn the_race_loses_updates_only_without_synchronization() {
    let k = threads();
    assert!(
        k >= 2.0,
        "this machine runs rayon on one thread: nothing can race"
    );
    // Races are likely, not certain: a few tries with more increments each time.
    let mut lost = 0.0;
    for increments in [1_000_000.0, 4_000_000.0, 16_000_000.0] {
        let report = run("race", &[("threads", k), ("increments", increments)]).unwrap();
        assert_eq!(report.rows.len(), 4);
        for row in &report.rows[1..] {
            assert_eq!(number(&row["lostUpdates"]), 0.0, "{:?}", row["variant"]);
            assert_eq!(number(&row["count"]), k * increments);
        }
        lost = number(&report.rows[0]["lostUpdates"]);
        if lost > 0.0 {
            break;
        }
    }
    assert!(
        lost > 0.0,
        "two threads reading and writing one counter lost no update"
    );
}

#[test]
fn semaphore_event_and_barrier_keep_their_invariants() {
    let k = threads();
    let report = run("locks", &[("threads", k), ("rounds", 3_000.0)]).unwrap();
    // One semaphore row per permit count, then the event, the reentrant lock, the barrier.
    assert_eq!(report.rows.len(), k as usize + 3);
    for row in &report.rows {
        assert_eq!(row["holds"], Cell::Flag(true), "{row:?}");
    }
    assert_eq!(
        report.rows[0]["observed"],
        Cell::Text("at most 1 inside".into())
    );
}

#[test]
fn the_queue_delivers_every_item_exactly_once_at_every_capacity() {
    let report = run(
        "queue",
        &[
            ("producers", 1.0),
            ("consumers", threads() - 1.0),
            ("items", 50_000.0),
        ],
    )
    .unwrap();
    assert_eq!(report.rows.len(), 4);
    for row in &report.rows {
        assert_eq!(row["exactlyOnce"], Cell::Flag(true), "{row:?}");
        assert_eq!(row["joinWaited"], Cell::Flag(true), "{row:?}");
    }
    // A queue of one item makes the producer wait far more often than one of 1024.
    assert!(number(&report.rows[0]["producerStalls"]) >= number(&report.rows[3]["producerStalls"]));
}

#[test]
fn params_are_checked_and_js_experiments_are_named() {
    assert_eq!(EXPERIMENTS.len(), 7);
    let too_many = run("race", &[("threads", 10_000.0)]).unwrap_err();
    assert!(
        too_many
            .message()
            .contains("must be a whole number in 1..=256"),
        "{}",
        too_many.message()
    );
    let over = run("race", &[("threads", 200.0), ("increments", 10.0)]).unwrap_err();
    assert!(
        over.message().contains("the pool has"),
        "{}",
        over.message()
    );
    let unknown = run("race", &[("speed", 1.0)]).unwrap_err();
    assert!(
        unknown.message().contains("unknown param \"speed\""),
        "{}",
        unknown.message()
    );
    let js = run("gil", &[]).unwrap_err();
    assert!(
        js.message().contains("runner.lab(\"gil\")"),
        "{}",
        js.message()
    );
    let missing = run("nothing", &[]).unwrap_err();
    assert!(
        missing.message().contains("the experiments are gil, race"),
        "{}",
        missing.message()
    );
}
