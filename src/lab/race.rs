//! The race condition: k threads add 1 to one shared counter n times each, four ways.
//!
//! "unsynchronized" reads the counter and writes it back as two separate atomic operations
//! (a relaxed load, then a store): no undefined behaviour, but two threads that read the same
//! value both write value + 1, and one update is lost. The other three lose nothing.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use super::{check_threads, together, Cell, LabReport};
use crate::engine::{Clock, Ctx};
use crate::kernels::param_values;
use crate::Error;

/// How often a thread checks for cancellation, in increments.
const CHECK_EVERY: u64 = 1 << 16;

/// Runs the experiment; see the module docs.
///
/// # Errors
/// More threads than the pool has; cancellation.
pub fn run(values: &[u64], report: LabReport, ctx: &Ctx, clock: Clock) -> Result<LabReport, Error> {
    let [threads, n] = param_values(values)?;
    let k = check_threads("race", threads)?;
    let expected = k as u64 * n;
    let mut report = report.with_columns(&[
        "variant",
        "count",
        "expected",
        "lostUpdates",
        "ms",
        "nsPerIncrement",
    ]);
    let stopped = AtomicBool::new(false);
    // Counts in chunks, checking for cancellation between them.
    let chunks = |add: &dyn Fn(u64)| {
        let mut done = 0;
        while done < n {
            if ctx.check().is_err() {
                stopped.store(true, Ordering::Relaxed);
                return;
            }
            let step = CHECK_EVERY.min(n - done);
            add(step);
            done += step;
        }
    };
    let mut measure = |variant: &str, body: &(dyn Fn() -> u64 + Sync)| -> Result<(), Error> {
        let start = clock();
        let count = body();
        let ms = clock() - start;
        ctx.check()?;
        report.row(vec![
            ("variant", Cell::from(variant)),
            ("count", count.into()),
            ("expected", expected.into()),
            ("lostUpdates", expected.saturating_sub(count).into()),
            ("ms", ms.into()),
            ("nsPerIncrement", (ms * 1e6 / expected.max(1) as f64).into()),
        ]);
        Ok(())
    };
    measure("unsynchronized (load, then store)", &|| {
        let counter = AtomicU64::new(0);
        together(k, |_| {
            chunks(&|step| {
                for _ in 0..step {
                    let seen = counter.load(Ordering::Relaxed);
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            });
        });
        counter.into_inner()
    })?;
    measure("Mutex", &|| {
        let counter = Mutex::new(0u64);
        together(k, |_| {
            chunks(&|step| {
                for _ in 0..step {
                    *counter
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
                }
            });
        });
        counter
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    })?;
    measure("atomic fetch_add", &|| {
        let counter = AtomicU64::new(0);
        together(k, |_| {
            chunks(&|step| {
                for _ in 0..step {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        });
        counter.into_inner()
    })?;
    measure("per-thread counts, summed", &|| {
        let total = AtomicU64::new(0);
        together(k, |_| {
            let mine = std::cell::Cell::new(0u64);
            chunks(&|step| {
                for _ in 0..step {
                    // A black box keeps this a loop of additions, as the other variants are.
                    mine.set(std::hint::black_box(mine.get()) + 1);
                }
            });
            total.fetch_add(mine.get(), Ordering::Relaxed);
        });
        total.into_inner()
    })?;
    if stopped.load(Ordering::Relaxed) {
        ctx.check()?;
    }
    Ok(report)
}
