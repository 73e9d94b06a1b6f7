//! A job: one or more runs of a kernel under one cancel flag, with progress across the runs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Waker;

use crate::engine::{spin_lock, Ctx, StopReason, TimelineClock};
use crate::Error;

/// The caller's handle on a job: cancel it, read its progress. Every run of the job gets a
/// fresh [`Ctx`] that shares the job's cancel flag.
///
/// ```
/// use webpar::engine::{Job, StopReason};
/// let job = Job::new();
/// job.set_runs(4);
/// assert_eq!(job.progress(), 0.0);
/// job.cancel(StopReason::Abort);
/// assert!(job.check().is_err());
/// ```
#[derive(Debug, Default)]
pub struct Job {
    flag: Ctx,
    runs: AtomicU64,
    runs_done: AtomicU64,
    current: Mutex<Option<Arc<Ctx>>>,
    /// Woken when the job is cancelled: a caller waiting for a run that has not started.
    stop_waker: Mutex<Option<Waker>>,
    /// The clock each run's timeline is recorded on, when the caller asked for one.
    timeline: Mutex<Option<TimelineClock>>,
}

impl Job {
    /// A job with no run yet.
    pub fn new() -> Job {
        Job::default()
    }

    /// Asks every later run of the job to record its timeline on `clock` (one clock for every
    /// thread): each run's [`crate::engine::Timed`] then carries it.
    pub fn record_timeline(&self, clock: TimelineClock) {
        *spin_lock(&self.timeline) = Some(clock);
    }

    /// Declares how many runs the job is made of, for [`Job::progress`].
    pub fn set_runs(&self, runs: u64) {
        self.runs.store(runs, Ordering::Relaxed);
    }

    /// Asks the running kernel to stop at its next checkpoint, and every later run not to
    /// start. The first reason given wins.
    pub fn cancel(&self, reason: StopReason) {
        self.flag.cancel(reason);
        let waker = spin_lock(&self.stop_waker).take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes `waker` when the job is cancelled (the last one registered).
    pub(crate) fn wake_on_stop(&self, waker: &Waker) {
        *spin_lock(&self.stop_waker) = Some(waker.clone());
    }

    /// Whether the job may go on.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] once cancelled.
    pub fn check(&self) -> Result<(), Error> {
        self.flag.check()
    }

    /// Finished fraction of the whole job in `[0, 1]`: finished runs plus the current run's
    /// own progress, each run weighing the same.
    pub fn progress(&self) -> f64 {
        let runs = self.runs.load(Ordering::Relaxed);
        if runs == 0 {
            return 0.0;
        }
        let current = spin_lock(&self.current)
            .as_ref()
            .map_or(0.0, |ctx| ctx.progress());
        let done = self.runs_done.load(Ordering::Relaxed) as f64 + current;
        (done / runs as f64).clamp(0.0, 1.0)
    }

    /// The context of the next run.
    pub(crate) fn start_run(&self) -> Arc<Ctx> {
        let sibling = self.flag.sibling();
        let ctx = Arc::new(match *spin_lock(&self.timeline) {
            Some(clock) => sibling.recording(clock),
            None => sibling,
        });
        *spin_lock(&self.current) = Some(Arc::clone(&ctx));
        ctx
    }

    /// Marks the current run finished.
    pub(crate) fn finish_run(&self) {
        let mut current = spin_lock(&self.current);
        *current = None;
        self.runs_done.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the JS job controls act on: a CPU job ([`Job`]) or an I/O job
/// ([`crate::io::IoControl`]).
pub trait Stoppable {
    /// Stops the job at its next chance; the first reason wins.
    fn stop(&self, reason: StopReason);
    /// Finished fraction in `[0, 1]`.
    fn fraction_done(&self) -> f64;
    /// Calls completed and in flight, for jobs made of calls (I/O jobs).
    fn calls(&self) -> Option<(u64, u32)> {
        None
    }
}

impl Stoppable for Job {
    fn stop(&self, reason: StopReason) {
        self.cancel(reason);
    }

    fn fraction_done(&self) -> f64 {
        self.progress()
    }
}
