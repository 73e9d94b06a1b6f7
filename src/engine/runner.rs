//! Running jobs on the pool without blocking the caller.
//!
//! A job is handed to the pool with `rayon::spawn`, and its result comes back through a
//! oneshot channel that the caller awaits. On the browser's main thread this keeps the page
//! responsive: nothing ever waits synchronously for the pool (calling a parallel kernel
//! synchronously there freezes the page, and rayon spin-waits on it, reaching only ~1.3x).

use std::sync::Arc;

use futures_channel::oneshot;

use crate::engine::{pool, Comparison, Ctx, JobSpec, Mode, RunReport, Summary, GLOBAL_BUDGET};
use crate::kernels::Output;
use crate::{Error, ErrorKind};

/// A monotonic clock in milliseconds: `performance.now()` in browsers, `Instant` natively.
pub type Clock = fn() -> f64;

/// The native [`Clock`]: milliseconds since the first call.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_clock() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// The result of one run of a kernel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timed {
    /// What the kernel returned.
    pub output: Output,
    /// Milliseconds the kernel took, measured on the pool thread that ran it.
    pub elapsed_ms: f64,
    /// Threads the job was given: 1 for sequential, the pool size for parallel.
    pub threads: usize,
    /// Distinct pool threads that actually ran chunks of it.
    pub threads_used: usize,
}

/// Runs `spec` once in `mode` on the pool and waits for it without blocking.
///
/// `ctx` should be fresh for each run (see [`Ctx::sibling`]): its counters measure this run.
///
/// # Errors
/// [`ErrorKind::PoolNotReady`] before the pool runs, [`ErrorKind::OverBudget`] when the job's
/// memory does not fit, the kernel's own errors (cancellation), and
/// [`ErrorKind::EngineCrashed`] if a thread trapped.
pub async fn run_once(
    spec: &JobSpec,
    mode: Mode,
    ctx: Arc<Ctx>,
    clock: Clock,
) -> Result<Timed, Error> {
    let pool_threads = pool::ready_threads()?;
    let _admission = GLOBAL_BUDGET.admit(spec.memory_bytes(), spec.workload.name)?;
    let (reply, result) = oneshot::channel();
    let id = pool::register(reply)?;
    let job = spec.clone();
    rayon::spawn(move || {
        let start = clock();
        let outcome = job.workload.run(&job.values, &ctx, mode);
        let elapsed_ms = clock() - start;
        let threads = match mode {
            Mode::Sequential => 1,
            Mode::Parallel => pool_threads,
        };
        pool::complete(
            id,
            outcome.map(|output| Timed {
                output,
                elapsed_ms,
                threads,
                threads_used: ctx.threads_seen(),
            }),
        );
    });
    result.await.unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::EngineCrashed,
            "the job's thread stopped without a result; reload the page to restart the engine",
        ))
    })
}

/// Runs `spec` `repeats` times in `mode`, after `warmups` untimed runs. Each run gets a
/// sibling of `ctx`: fresh counters, the same cancel flag.
///
/// # Errors
/// As [`run_once`]; also [`ErrorKind::InvalidParams`] when `repeats` is 0.
pub async fn run_repeated(
    spec: &JobSpec,
    mode: Mode,
    repeats: u32,
    warmups: u32,
    ctx: Arc<Ctx>,
    clock: Clock,
) -> Result<RunReport, Error> {
    let mut collector = Collector::new(spec, mode);
    for _ in 0..warmups {
        run_once(spec, mode, Arc::new(ctx.sibling()), clock).await?;
    }
    for _ in 0..repeats {
        collector.add(run_once(spec, mode, Arc::new(ctx.sibling()), clock).await?);
    }
    collector.finish()
}

/// Runs `spec` sequentially and in parallel, `repeats` times each, and compares them.
///
/// The modes alternate (sequential, parallel, sequential, ...) so that both see the same
/// background load on a shared machine; one untimed warm-up per mode goes first.
///
/// # Errors
/// As [`run_repeated`].
pub async fn compare(
    spec: &JobSpec,
    repeats: u32,
    ctx: Arc<Ctx>,
    clock: Clock,
) -> Result<Comparison, Error> {
    let mut sequential = Collector::new(spec, Mode::Sequential);
    let mut parallel = Collector::new(spec, Mode::Parallel);
    for mode in Mode::ALL {
        run_once(spec, mode, Arc::new(ctx.sibling()), clock).await?;
    }
    for _ in 0..repeats {
        sequential.add(run_once(spec, Mode::Sequential, Arc::new(ctx.sibling()), clock).await?);
        parallel.add(run_once(spec, Mode::Parallel, Arc::new(ctx.sibling()), clock).await?);
    }
    Ok(Comparison::new(
        sequential.finish()?,
        parallel.finish()?,
        repeats,
    ))
}

/// Gathers the timed runs of one mode into a [`RunReport`].
struct Collector<'a> {
    spec: &'a JobSpec,
    mode: Mode,
    runs: Vec<Timed>,
}

impl<'a> Collector<'a> {
    fn new(spec: &'a JobSpec, mode: Mode) -> Self {
        Collector {
            spec,
            mode,
            runs: Vec::new(),
        }
    }

    fn add(&mut self, run: Timed) {
        self.runs.push(run);
    }

    fn finish(self) -> Result<RunReport, Error> {
        let times_ms: Vec<f64> = self.runs.iter().map(|run| run.elapsed_ms).collect();
        let (first, summary) = match (self.runs.first(), Summary::of(&times_ms)) {
            (Some(first), Some(summary)) => (first, summary),
            _ => return Err(Error::invalid("repeats must be at least 1")),
        };
        Ok(RunReport {
            workload: self.spec.workload.name,
            params: self.spec.named_values(),
            mode: self.mode,
            threads: first.threads,
            threads_used: self
                .runs
                .iter()
                .map(|run| run.threads_used)
                .max()
                .unwrap_or(0),
            checksum: first.output.checksum.to_string(),
            deterministic: self.runs.iter().all(|run| run.output == first.output),
            times_ms,
            summary,
        })
    }
}
