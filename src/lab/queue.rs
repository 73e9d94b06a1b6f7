//! Producers and consumers joined by a bounded queue ([`WorkQueue`]), for several
//! capacities: throughput, how often a producer found the queue full, and the guarantee
//! that every item is consumed exactly once and `join` returns only when all are done.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};

use super::{check_threads, together, Cell, LabReport};
use crate::engine::{Clock, Ctx};
use crate::kernels::param_values;
use crate::sync::WorkQueue;
use crate::Error;

/// The capacities tried, smallest first.
const CAPACITIES: [usize; 4] = [1, 8, 64, 1024];

/// Runs the experiment; see the module docs.
///
/// # Errors
/// More threads than the pool has; cancellation.
pub fn run(values: &[u64], report: LabReport, ctx: &Ctx, clock: Clock) -> Result<LabReport, Error> {
    let [producers, consumers, items] = param_values(values)?;
    let (producers, consumers) = (producers as usize, consumers as usize);
    let k = check_threads("queue", (producers + consumers) as u64).map_err(|err| {
        Error::invalid(format!("{} (producers + consumers)", err.message())).with_param("producers")
    })?;
    let items = items as usize;
    let mut report = report.with_columns(&[
        "capacity",
        "ms",
        "itemsPerSecond",
        "producerStalls",
        "exactlyOnce",
        "joinWaited",
    ]);
    for capacity in CAPACITIES {
        ctx.check()?;
        let queue = WorkQueue::new(capacity);
        let seen: Vec<AtomicU8> = (0..items).map(|_| AtomicU8::new(0)).collect();
        let stalls = AtomicU64::new(0);
        let producing = AtomicUsize::new(producers);
        let processed = AtomicUsize::new(0);
        let join_ok = AtomicBool::new(false);
        let start = clock();
        together(k, |i| {
            if i < producers {
                // Producer i puts the items i, i + producers, ...
                for (n, item) in (i..items).step_by(producers).enumerate() {
                    if n % 1024 == 0 && ctx.check().is_err() {
                        break;
                    }
                    if queue.put(item) {
                        stalls.fetch_add(1, Ordering::Relaxed);
                    }
                }
                // The last producer to finish waits for every item to be done, then lets the
                // consumers go.
                if producing.fetch_sub(1, Ordering::SeqCst) == 1 {
                    queue.join();
                    join_ok.store(
                        processed.load(Ordering::SeqCst) == items || ctx.check().is_err(),
                        Ordering::SeqCst,
                    );
                    queue.close();
                }
            } else {
                while let Some(item) = queue.get() {
                    seen[item].fetch_add(1, Ordering::Relaxed);
                    processed.fetch_add(1, Ordering::SeqCst);
                    queue.task_done();
                }
            }
        });
        let ms = clock() - start;
        ctx.check()?;
        let once = seen.iter().all(|count| count.load(Ordering::Relaxed) == 1);
        report.row(vec![
            ("capacity", capacity.into()),
            ("ms", ms.into()),
            (
                "itemsPerSecond",
                (items as f64 / (ms / 1e3).max(1e-9)).into(),
            ),
            ("producerStalls", stalls.load(Ordering::Relaxed).into()),
            ("exactlyOnce", Cell::Flag(once)),
            ("joinWaited", Cell::Flag(join_ok.load(Ordering::SeqCst))),
        ]);
    }
    Ok(report)
}
