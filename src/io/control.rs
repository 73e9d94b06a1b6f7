//! The caller's handle on a running I/O job: cancel it, read its progress.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;

use futures_channel::oneshot;

use crate::engine::{spin_lock, Ctx, StopReason, Stoppable};

/// Cancel flag, progress and a wake-up for the driver, shared with the JS listeners.
///
/// ```
/// use webpar::io::IoControl;
/// use webpar::engine::StopReason;
/// let control = IoControl::new(10);
/// control.set_counts(5, 2);
/// assert_eq!(control.progress(), 0.5);
/// control.cancel(StopReason::Timeout);
/// assert_eq!(control.stop_reason(), Some(StopReason::Timeout));
/// ```
#[derive(Debug)]
pub struct IoControl {
    /// Only its cancel flag is used: the same flag CPU jobs have.
    stop: Ctx,
    settled: AtomicU64,
    in_flight: AtomicU32,
    calls: u64,
    wake: Mutex<Option<oneshot::Sender<()>>>,
    woken: Mutex<Option<oneshot::Receiver<()>>>,
}

impl IoControl {
    /// The control of a job of `calls` calls.
    pub fn new(calls: u64) -> Self {
        let (wake, woken) = oneshot::channel();
        IoControl {
            stop: Ctx::new(),
            settled: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
            calls,
            wake: Mutex::new(Some(wake)),
            woken: Mutex::new(Some(woken)),
        }
    }

    /// Stops the job: nothing new starts, calls in flight are dropped (fetches aborted).
    /// The first reason wins.
    pub fn cancel(&self, reason: StopReason) {
        self.stop.cancel(reason);
        if let Some(wake) = spin_lock(&self.wake).take() {
            let _ = wake.send(());
        }
    }

    /// Why the job was stopped, if it was.
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.stop.stop_reason()
    }

    /// Records how many calls are settled and how many are in flight.
    pub fn set_counts(&self, settled: u64, in_flight: u32) {
        self.settled.store(settled, Ordering::Relaxed);
        self.in_flight.store(in_flight, Ordering::Relaxed);
    }

    /// Settled fraction of the calls, in `[0, 1]`.
    pub fn progress(&self) -> f64 {
        (self.settled.load(Ordering::Relaxed) as f64 / self.calls.max(1) as f64).min(1.0)
    }

    /// The future that resolves when the job is cancelled (for the driver; once).
    pub(crate) fn take_cancelled(&self) -> Option<oneshot::Receiver<()>> {
        spin_lock(&self.woken).take()
    }
}

impl Stoppable for IoControl {
    fn stop(&self, reason: StopReason) {
        self.cancel(reason);
    }

    fn fraction_done(&self) -> f64 {
        self.progress()
    }

    fn calls(&self) -> Option<(u64, u32)> {
        Some((
            self.settled.load(Ordering::Relaxed),
            self.in_flight.load(Ordering::Relaxed),
        ))
    }
}
