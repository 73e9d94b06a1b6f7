//! Semaphore, Event and Barrier on the pool's threads, each with its invariant counted and
//! its cost per use.
//!
//! - Semaphore(n), for every n from 1 to k: k threads enter a short section `rounds` times
//!   each; the most threads seen inside at once must be at most n.
//! - Event: k - 1 threads wait; one sets it after a pause; a waiter that wakes before the set
//!   would be counted (there must be none), and the latest wake-up after the set is timed.
//! - ReentrantLock: k threads take it three levels deep `rounds` times each; more than one
//!   thread inside would be counted, and a holder taking it again must not wait.
//! - Barrier: k threads run `rounds` phases; a thread that starts phase p + 1 while another
//!   has not finished phase p would be counted (there must be none).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Barrier;

use super::{check_threads, together, Cell, LabReport};
use crate::engine::{Clock, Ctx};
use crate::kernels::param_values;
use crate::sync::{Event, ReentrantLock, Semaphore};
use crate::Error;

/// Work inside the semaphore's section: long enough for threads to meet there.
fn section_work() {
    let mut x = 0u64;
    for i in 0..200 {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
    }
}

/// k threads each enter a short section `rounds` times through `enter()` (whose guard is held
/// while inside); returns the most threads seen inside at once. Stops early when cancelled.
fn most_inside<G>(k: usize, rounds: u64, ctx: &Ctx, enter: impl Fn() -> G + Sync) -> usize {
    let inside = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    together(k, |_| {
        for round in 0..rounds {
            if round % 1024 == 0 && ctx.check().is_err() {
                return;
            }
            let _guard = enter();
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            section_work();
            inside.fetch_sub(1, Ordering::SeqCst);
        }
    });
    most.load(Ordering::SeqCst)
}

/// Runs the experiment; see the module docs.
///
/// # Errors
/// More threads than the pool has; cancellation.
pub fn run(values: &[u64], report: LabReport, ctx: &Ctx, clock: Clock) -> Result<LabReport, Error> {
    let [threads, rounds] = param_values(values)?;
    let k = check_threads("locks", threads)?;
    let mut report = report.with_columns(&[
        "primitive",
        "setting",
        "observed",
        "invariant",
        "holds",
        "ms",
        "usPerUse",
    ]);

    // Semaphore(n) for n = 1..=k.
    for permits in 1..=k {
        ctx.check()?;
        let semaphore = Semaphore::new(permits);
        let start = clock();
        let seen = most_inside(k, rounds, ctx, || semaphore.acquire());
        let ms = clock() - start;
        report.row(vec![
            ("primitive", "Semaphore".into()),
            (
                "setting",
                Cell::Text(format!(
                    "{permits} permit{}",
                    if permits > 1 { "s" } else { "" }
                )),
            ),
            ("observed", Cell::Text(format!("at most {seen} inside"))),
            ("invariant", Cell::Text(format!("at most {permits} inside"))),
            ("holds", (seen <= permits).into()),
            ("ms", ms.into()),
            (
                "usPerUse",
                (ms * 1e3 / (k as u64 * rounds).max(1) as f64).into(),
            ),
        ]);
    }
    ctx.check()?;

    // Event: k - 1 waiters, one setter (with one thread, the setter alone). The setter times
    // from its set() until every waiter is awake, on its own clock (each worker's clock has
    // its own origin).
    let event = Event::new();
    let set = AtomicBool::new(false);
    let early = AtomicUsize::new(0);
    let woken = AtomicUsize::new(0);
    let waiters = k - 1;
    let wake = AtomicU64::new(0);
    together(k, |i| {
        if i == 0 {
            std::thread::sleep(std::time::Duration::from_millis(5));
            set.store(true, Ordering::SeqCst);
            let start = clock();
            event.set();
            while woken.load(Ordering::SeqCst) < waiters {
                std::hint::spin_loop();
            }
            wake.store((clock() - start).to_bits(), Ordering::SeqCst);
        } else {
            event.wait();
            if !set.load(Ordering::SeqCst) {
                early.fetch_add(1, Ordering::SeqCst);
            }
            woken.fetch_add(1, Ordering::SeqCst);
        }
    });
    let wake_ms = f64::from_bits(wake.load(Ordering::SeqCst));
    let before = early.load(Ordering::SeqCst);
    report.row(vec![
        ("primitive", "Event".into()),
        ("setting", Cell::Text(format!("{waiters} waiting"))),
        (
            "observed",
            Cell::Text(format!(
                "{before} woke before the set; all awake {wake_ms:.3} ms after it"
            )),
        ),
        ("invariant", "no waiter passes before set()".into()),
        ("holds", (before == 0).into()),
        ("ms", wake_ms.into()),
        ("usPerUse", (wake_ms * 1e3).into()),
    ]);
    ctx.check()?;

    // ReentrantLock: three nested holds per entry.
    let reentrant = ReentrantLock::new();
    let start = clock();
    // The holder locks twice more inside: it must not wait for itself.
    let seen = most_inside(k, rounds, ctx, || {
        (reentrant.lock(), reentrant.lock(), reentrant.lock())
    });
    let ms = clock() - start;
    ctx.check()?;
    report.row(vec![
        ("primitive", "ReentrantLock".into()),
        ("setting", Cell::Text(format!("{k} threads, 3 levels deep"))),
        (
            "observed",
            Cell::Text(format!(
                "at most {seen} inside; every nested lock taken at once"
            )),
        ),
        (
            "invariant",
            "one holder at a time, who may lock again".into(),
        ),
        ("holds", (seen <= 1).into()),
        ("ms", ms.into()),
        (
            "usPerUse",
            (ms * 1e3 / (3 * k as u64 * rounds).max(1) as f64).into(),
        ),
    ]);

    // Barrier: k threads, `rounds` phases.
    let barrier = Barrier::new(k);
    let finished: Vec<AtomicUsize> = (0..rounds).map(|_| AtomicUsize::new(0)).collect();
    let overlaps = AtomicUsize::new(0);
    let start = clock();
    together(k, |_| {
        for phase in 0..rounds as usize {
            if phase > 0 && finished[phase - 1].load(Ordering::SeqCst) != k {
                overlaps.fetch_add(1, Ordering::SeqCst);
            }
            section_work();
            finished[phase].fetch_add(1, Ordering::SeqCst);
            // Every thread waits at every phase (none may leave early: the others would wait
            // for it forever), so cancellation is checked only after the last one.
            barrier.wait();
        }
    });
    let ms = clock() - start;
    ctx.check()?;
    let overlapping = overlaps.load(Ordering::SeqCst);
    report.row(vec![
        ("primitive", "Barrier".into()),
        (
            "setting",
            Cell::Text(format!("{k} threads, {rounds} phases")),
        ),
        (
            "observed",
            Cell::Text(format!(
                "{overlapping} phase starts before the last phase ended"
            )),
        ),
        (
            "invariant",
            "no thread starts phase p + 1 before all ended p".into(),
        ),
        ("holds", (overlapping == 0).into()),
        ("ms", ms.into()),
        ("usPerUse", (ms * 1e3 / rounds.max(1) as f64).into()),
    ]);
    Ok(report)
}
