//! Running jobs on the pool without blocking the caller.
//!
//! A job is handed to the pool with [`pool::spawn`], and its result comes back through a
//! oneshot channel that the caller awaits. On the browser's main thread this keeps the page
//! responsive: nothing ever waits synchronously for the pool (calling a parallel kernel
//! synchronously there freezes the page, and rayon spin-waits on it, reaching only ~1.3x).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use futures_channel::oneshot;

use crate::engine::{
    pool, Comparison, Ctx, Job, JobSpec, Mode, Produced, RunReport, Summary, Sweep, Timeline,
    GLOBAL_BUDGET,
};
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
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    /// What the kernel returned.
    pub output: Output,
    /// Milliseconds the kernel took, measured on the pool thread that ran it.
    pub elapsed_ms: f64,
    /// Threads the job was given: 1 for sequential, the pool size for parallel.
    pub threads: usize,
    /// Distinct pool threads that actually ran chunks of it.
    pub threads_used: usize,
    /// What each thread did and when, when the job asked for it ([`Job::record_timeline`]).
    pub timeline: Option<Timeline>,
}

/// Runs `spec` once in `mode` on the pool and waits for it without blocking. The run gets a
/// fresh context from `job`, so the job's cancel flag reaches it and its progress counts.
///
/// # Errors
/// [`ErrorKind::PoolNotReady`] before the pool runs, [`ErrorKind::OverBudget`] when the job's
/// memory does not fit, [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when the job is
/// cancelled, and [`ErrorKind::EngineCrashed`] if a thread trapped.
pub async fn run_once(spec: &JobSpec, mode: Mode, job: &Job, clock: Clock) -> Result<Timed, Error> {
    Ok(run_producing(spec, mode, job, clock).await?.0)
}

/// As [`run_once`], and the real output when `spec` holds an app's data.
///
/// # Errors
/// As [`run_once`].
pub async fn run_producing(
    spec: &JobSpec,
    mode: Mode,
    job: &Job,
    clock: Clock,
) -> Result<(Timed, Option<Produced>), Error> {
    let _admission = GLOBAL_BUDGET.admit(spec.memory_bytes(), spec.workload.name)?;
    let run = spec.clone();
    let ((output, checksum), mut timed) =
        run_value(mode, job, clock, move |ctx| run.run(ctx, mode)).await?;
    timed.output = Output { checksum };
    Ok((timed, output))
}

/// Runs `task` on the pool as [`run_task`] does (cancel, progress, crash answered), and
/// returns whatever value it computed beside its timing: the pool's generic spawn, for work
/// that is not a catalogue job (the timing's checksum is 0).
///
/// ```
/// use webpar::engine::{self, Job, Mode};
/// # #[cfg(not(target_arch = "wasm32"))] { // (natively: `native_clock`, `block_on`)
/// let (words, timed) = futures::executor::block_on(engine::run_value(
///     Mode::Sequential, &Job::new(), engine::native_clock,
///     |_ctx| Ok("a few words here".split(' ').map(str::to_owned).collect::<Vec<String>>()),
/// ))?;
/// assert_eq!((words.len(), timed.output.checksum), (4, 0));
/// # }
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// As [`run_task`]; whatever `task` returns.
pub async fn run_value<T, F>(
    mode: Mode,
    job: &Job,
    clock: Clock,
    task: F,
) -> Result<(T, Timed), Error>
where
    T: Send + 'static,
    F: FnOnce(&Ctx) -> Result<T, Error> + Send + 'static,
{
    let (send, mut value) = oneshot::channel();
    let timed = run_task(mode, job, clock, move |ctx| {
        let _ = send.send(task(ctx)?);
        Ok(Output { checksum: 0 })
    })
    .await?;
    // The task returned Ok, so its value was sent before the run completed.
    let value = value.try_recv().ok().flatten().ok_or_else(|| {
        Error::new(
            ErrorKind::EngineCrashed,
            "the job's thread stopped without a result; the engine restarts: run it again",
        )
    })?;
    Ok((value, timed))
}

/// What one item of a batch gave: its output (for an app's data) and checksum, or its error.
pub type ItemResult = Result<(Option<Produced>, u64), Error>;

/// Most items of a batch run between two checks of its cancel flag.
const MAX_ITEMS_PER_CHECK: usize = 256;

/// Runs every job of `specs` in one hop to the pool: each item runs sequentially on one
/// thread, and in [`Mode::Parallel`] the items spread over the pool (rayon), so that many
/// small jobs pay for one hand-off instead of one each. An item's failure is its own; the
/// job's cancel flag stops every item not yet started. Progress counts items.
///
/// ```
/// use webpar::engine::{self, Input, Job, JobSpec, Mode};
/// let specs: Vec<JobSpec> = (0..50).map(|i| JobSpec::from_input(Input::Primes(i))).collect::<Result<_, _>>()?;
/// # #[cfg(not(target_arch = "wasm32"))] { // (natively: `native_clock`, `block_on`)
/// let (results, _) = futures::executor::block_on(
///     engine::run_items(specs, Mode::Parallel, &Job::new(), engine::native_clock))?;
/// assert_eq!(results.len(), 50);
/// assert_eq!(results[10].as_ref().unwrap().1, 4); // 2, 3, 5, 7
/// # }
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// As [`run_once`] for the batch as a whole (memory budget, pool, crash); cancellation.
pub async fn run_items(
    specs: Vec<JobSpec>,
    mode: Mode,
    job: &Job,
    clock: Clock,
) -> Result<(Vec<ItemResult>, Timed), Error> {
    let bytes = specs
        .iter()
        .fold(0u64, |sum, spec| sum.saturating_add(spec.memory_bytes()));
    let _admission = GLOBAL_BUDGET.admit(bytes, "the batch")?;
    job.set_runs(1);
    run_value(mode, job, clock, move |ctx| {
        ctx.set_total(specs.len() as u64);
        // Items go in runs: one check and one checkpoint per run, not per item, since
        // those touch counters every thread shares. Runs stay short enough that the pool's
        // threads still share out a few long items evenly.
        let run_length = (specs.len() / (rayon::current_num_threads().max(1) * 16))
            .clamp(1, MAX_ITEMS_PER_CHECK);
        // On a timeline, each run of items is a chunk of one pass.
        let pass = ctx
            .recorder()
            .map(|recorder| recorder.begin_pass(specs.len().div_ceil(run_length) as u64));
        let run_items = |(index, run): (usize, &[JobSpec])| -> Vec<ItemResult> {
            if let Err(err) = ctx.check() {
                return run.iter().map(|_| Err(err.clone())).collect();
            }
            let run_all = || -> Vec<ItemResult> {
                run.iter()
                    .map(|spec| spec.run(&ctx.sibling(), Mode::Sequential))
                    .collect()
            };
            let results = match (ctx.recorder(), pass) {
                (Some(recorder), Some(pass)) => recorder.time(pass, index as u64, run_all),
                _ => run_all(),
            };
            let _ = ctx.checkpoint(run.len() as u64);
            results
        };
        let all: Vec<ItemResult> = match mode {
            Mode::Sequential => specs
                .chunks(run_length)
                .enumerate()
                .flat_map(run_items)
                .collect(),
            _ => {
                use rayon::prelude::*;
                specs
                    .par_chunks(run_length)
                    .enumerate()
                    .flat_map_iter(run_items)
                    .collect()
            }
        };
        ctx.check()?;
        Ok(all)
    })
    .await
}

/// Runs `task` on the pool as one run of `job` in `mode` (which only sets the reported
/// thread count; the task decides how it runs), timed on the pool thread, and waits for it
/// without blocking. Budget admission is the caller's.
///
/// # Errors
/// As [`run_once`], without the budget.
pub async fn run_task<F>(mode: Mode, job: &Job, clock: Clock, task: F) -> Result<Timed, Error>
where
    F: FnOnce(&Ctx) -> Result<Output, Error> + Send + 'static,
{
    let pool_threads = pool::ready_threads()?;
    job.check()?;
    let (answer, result) = pool::register::<Timed>()?;
    let id = answer.id();
    let ctx = job.start_run();
    let claim = pool::spawn_claim(move || {
        let recorded_start = ctx.recorder().map(|recorder| recorder.now());
        let start = clock();
        let outcome = task(&ctx);
        let elapsed_ms = clock() - start;
        let threads = mode.threads(pool_threads);
        let timeline = ctx
            .recorder()
            .zip(recorded_start)
            .map(|(recorder, started)| recorder.finish(started, recorder.now(), threads));
        answer.send(outcome.map(|output| Timed {
            output,
            elapsed_ms,
            threads,
            threads_used: ctx.threads_seen(),
            timeline,
        }));
    });
    let mut result = result;
    // A job cancelled while it still waits for a thread is taken back and fails at once; one
    // that started stops at its next checkpoint and answers through `result`.
    let timed = std::future::poll_fn(|cx| {
        if let Poll::Ready(answer) = Pin::new(&mut result).poll(cx) {
            return Poll::Ready(answer.unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::EngineCrashed,
                    "the job's thread stopped without a result; the engine restarts: run it again",
                ))
            }));
        }
        // Registered before the check: a cancel after it wakes this future again.
        job.wake_on_stop(cx.waker());
        if let Err(stopped) = job.check() {
            if claim.withdraw() {
                pool::forget(id);
                return Poll::Ready(Err(stopped));
            }
        }
        Poll::Pending
    })
    .await?;
    job.finish_run();
    Ok(timed)
}

/// Runs `spec` `repeats` times in `mode`, after `warmups` untimed runs.
///
/// # Errors
/// As [`run_once`]; also [`ErrorKind::InvalidParams`] when `repeats` is 0.
pub async fn run_repeated(
    spec: &JobSpec,
    mode: Mode,
    repeats: u32,
    warmups: u32,
    job: &Job,
    clock: Clock,
) -> Result<RunReport, Error> {
    job.set_runs(u64::from(warmups) + u64::from(repeats));
    for _ in 0..warmups {
        run_once(spec, mode, job, clock).await?;
    }
    let mut collector = Collector::new(spec, mode);
    for _ in 0..repeats {
        collector.add(run_producing(spec, mode, job, clock).await?);
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
    job: &Job,
    clock: Clock,
) -> Result<Comparison, Error> {
    job.set_runs(2 * (1 + u64::from(repeats)));
    let mut sequential = Collector::new(spec, Mode::Sequential);
    let mut parallel = Collector::new(spec, Mode::Parallel);
    for mode in Mode::ALL {
        run_once(spec, mode, job, clock).await?;
    }
    for _ in 0..repeats {
        sequential.add(run_producing(spec, Mode::Sequential, job, clock).await?);
        parallel.add(run_producing(spec, Mode::Parallel, job, clock).await?);
    }
    Ok(Comparison::new(
        sequential.finish()?,
        parallel.finish()?,
        repeats,
    ))
}

/// Runs `spec` on exactly `k` threads for each `k` of `threads` (ascending, starting at 1;
/// see [`crate::engine::sweep_threads`]), `repeats` times each after one untimed warm-up, and
/// fits Amdahl's law. `cores` is what the platform reports, to flag oversubscription.
///
/// The thread counts take turns within each repeat (1, 2, ..., 1, 2, ...), so that all of
/// them see the same background load.
///
/// # Errors
/// As [`run_repeated`].
pub async fn sweep(
    spec: &JobSpec,
    threads: &[usize],
    repeats: u32,
    cores: Option<usize>,
    job: &Job,
    clock: Clock,
) -> Result<Sweep, Error> {
    job.set_runs(1 + threads.len() as u64 * u64::from(repeats));
    let most = threads.iter().copied().max().unwrap_or(1);
    run_once(spec, Mode::Threads(most), job, clock).await?;
    let mut collectors: Vec<Collector> = threads
        .iter()
        .map(|&k| Collector::new(spec, Mode::Threads(k)))
        .collect();
    for _ in 0..repeats {
        for collector in &mut collectors {
            let timed = run_once(spec, collector.mode, job, clock).await?;
            collector.add((timed, None));
        }
    }
    let reports = collectors
        .into_iter()
        .map(Collector::finish)
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Sweep::new(reports, repeats, cores))
}

/// Gathers the timed runs of one mode into a [`RunReport`].
struct Collector<'a> {
    spec: &'a JobSpec,
    mode: Mode,
    runs: Vec<Timed>,
    output: Option<Produced>,
    timeline: Option<Timeline>,
}

impl<'a> Collector<'a> {
    fn new(spec: &'a JobSpec, mode: Mode) -> Self {
        Collector {
            spec,
            mode,
            runs: Vec::new(),
            output: None,
            timeline: None,
        }
    }

    /// Adds a timed run; keeps the output and the timeline of the latest one only.
    fn add(&mut self, (mut run, output): (Timed, Option<Produced>)) {
        self.timeline = run.timeline.take().or(self.timeline.take());
        self.runs.push(run);
        self.output = output;
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
            timeline: self.timeline,
            output: self.output,
        })
    }
}
