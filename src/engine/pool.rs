//! The state of the thread pool as the engine sees it: ready or not, crashed or not, and the
//! jobs waiting for a result.
//!
//! rayon's global pool must not be touched before it is built: on wasm, any rayon call would
//! build a one-thread fallback pool on the calling thread and make the real start-up fail. So
//! readiness is tracked here and checked before every job ([`ready_threads`]).
//!
//! A panic aborts a threaded wasm instance (there is no unwinding), and the trapped thread's
//! result would never arrive. The panic hook installed by [`install_crash_hook`] therefore
//! answers every pending job with [`ErrorKind::EngineCrashed`] before the trap, and refuses
//! new jobs from then on. The registry of pending jobs never names a result type: it keeps a
//! "fail this waiter" closure per job (as rayon-core's `JobRef` keeps a pointer and a
//! function), so any `T` can wait on the pool ([`register`]) and the runner sits above it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};

use futures_channel::oneshot;

use crate::engine::spin_lock as lock;
use crate::{Error, ErrorKind};

/// What the registry keeps of a job waiting for its result: how to fail it after a crash.
type FailWaiter = Box<dyn FnOnce(Error) + Send>;

static THREADS: AtomicUsize = AtomicUsize::new(0);
static STARTING: AtomicBool = AtomicBool::new(false);
static CRASHED: AtomicBool = AtomicBool::new(false);
static CRASH_MESSAGE: Mutex<Option<String>> = Mutex::new(None);
static NEXT_JOB: AtomicU64 = AtomicU64::new(1);
static PENDING: Mutex<BTreeMap<u64, FailWaiter>> = Mutex::new(BTreeMap::new());
/// The pool jobs run on, once installed (on wasm, the workers' pool). Not rayon's global pool:
/// building that waits on a lock until every thread has started, and a browser's main
/// thread may not wait.
static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();

/// Installs the pool that jobs run on; it lives as long as the instance.
///
/// # Errors
/// [`ErrorKind::InvalidParams`] if a pool is installed already.
pub fn install(threads: rayon::ThreadPool) -> Result<(), Error> {
    POOL.set(threads)
        .map_err(|_| Error::invalid("a thread pool is installed already"))
}

/// Runs `work` on the installed pool (natively, without one, on rayon's global pool) and
/// returns at once.
///
/// # Panics
/// `work` must not panic: on wasm a panic traps the instance, and the crash hook then rejects
/// every pending job with [`ErrorKind::EngineCrashed`].
///
/// # Examples
/// ```
/// let (send, receive) = std::sync::mpsc::channel();
/// webpar::engine::pool::spawn(move || send.send(6 * 7).unwrap());
/// assert_eq!(receive.recv().unwrap(), 42);
/// ```
pub fn spawn(work: impl FnOnce() + Send + 'static) {
    spawn_claim(work);
}

/// As [`spawn`], and returns the job's claim, which [`Claim::withdraw`] can take back while
/// no thread has started it.
pub(crate) fn spawn_claim(work: impl FnOnce() + Send + 'static) -> Arc<Claim> {
    // Long jobs let waiting jobs start between their chunks from the first job on.
    crate::kernels::between_chunks(help);
    let claim = Claim::new(Box::new(work));
    let handle = Arc::clone(&claim);
    {
        let mut unstarted = lock(&UNSTARTED);
        // Jobs mostly start in order: dropping the started ones at the front keeps the list
        // as short as the jobs that really wait.
        while unstarted.front().is_some_and(|claim| claim.started()) {
            unstarted.pop_front();
            UNSTARTED_LEN.fetch_sub(1, Ordering::Release);
        }
        unstarted.push_back(Arc::clone(&claim));
        UNSTARTED_LEN.fetch_add(1, Ordering::Release);
    }
    let work = move || claim.run();
    match (POOL.get(), DISPATCHER.get()) {
        (Some(_), Some(dispatcher)) => {
            lock(&HANDOVER).push_back(Box::new(work));
            // Never blocks: at most a futex wake-up.
            dispatcher.unpark();
        }
        (Some(threads), None) => threads.spawn(work),
        (None, _) => rayon::spawn(work),
    }
    handle
}

/// A job that starts once, on whichever thread claims it first: a pool thread that pops it
/// from rayon's queue, or one that [`help`]s between two chunks of another job.
pub(crate) struct Claim(Mutex<Option<Work>>);

impl Claim {
    fn new(work: Work) -> Arc<Claim> {
        Arc::new(Claim(Mutex::new(Some(work))))
    }

    /// Takes the work back if no thread has started it (never waits): true if it will not
    /// run.
    pub(crate) fn withdraw(&self) -> bool {
        self.0
            .try_lock()
            .is_ok_and(|mut work| work.take().is_some())
    }

    /// Whether a thread took the work (a thread taking it right now counts as not yet).
    fn started(&self) -> bool {
        self.0.try_lock().is_ok_and(|work| work.is_none())
    }

    /// Runs the work unless another thread did.
    fn run(&self) {
        let work = lock(&self.0).take();
        if let Some(work) = work {
            work();
        }
    }
}

/// Jobs spawned and perhaps not started, oldest first (some may have started already: they
/// are skipped). rayon's workers take outside work only once their own queues run dry, so
/// while one job keeps the pool busy, another would wait for it to finish; [`help`] starts
/// it between two chunks instead.
static UNSTARTED: Mutex<VecDeque<Arc<Claim>>> = Mutex::new(VecDeque::new());
static UNSTARTED_LEN: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Jobs this thread runs inside other jobs' chunks right now.
    static HELPING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Starts the oldest job that waits for a thread, on the calling thread, if there is one.
/// Called between the chunks of a long job ([`crate::engine::Ctx::check`], after 64 checks):
/// a job submitted while another keeps every thread busy starts within a chunk's time
/// instead of after the other job, and runs beside it (its own chunks spread over the pool
/// through work stealing); the long job's chunk waits for it, which is the point. A short job
/// never helps, so it is never held up by a long one. One relaxed load when there is nothing
/// to start; never nested more than one level deep.
pub fn help() {
    if UNSTARTED_LEN.load(Ordering::Acquire) == 0 || rayon::current_thread_index().is_none() {
        return;
    }
    if HELPING.with(|depth| depth.get()) > 0 {
        return;
    }
    let next = match UNSTARTED.try_lock() {
        Ok(mut queue) => {
            let next = queue.pop_front();
            if next.is_some() {
                UNSTARTED_LEN.fetch_sub(1, Ordering::Release);
            }
            next
        }
        Err(_) => None,
    };
    if let Some(claim) = next {
        HELPING.with(|depth| depth.set(depth.get() + 1));
        claim.run();
        HELPING.with(|depth| depth.set(depth.get() - 1));
    }
}

/// Work handed over by callers that may not block (a browser's main thread), for the
/// dispatcher to put on the pool.
type Work = Box<dyn FnOnce() + Send>;
static HANDOVER: Mutex<VecDeque<Work>> = Mutex::new(VecDeque::new());
static DISPATCHER: OnceLock<std::thread::Thread> = OnceLock::new();
static DISPATCHER_CLAIMED: AtomicBool = AtomicBool::new(false);

/// Claims the dispatcher's role for the calling thread: true for the first caller only.
pub fn claim_dispatcher() -> bool {
    !DISPATCHER_CLAIMED.swap(true, Ordering::AcqRel)
}

/// Whether the dispatcher runs (see [`run_dispatcher`]).
pub fn dispatcher_ready() -> bool {
    DISPATCHER.get().is_some()
}

/// Runs forever on a thread of its own (a worker that may block): puts the work that
/// [`spawn`] hands over onto the pool. Putting work on a rayon pool from outside may wait on a
/// lock of a sleeping pool thread for a moment, which a browser's main thread must never do
/// (it traps: "Atomics.wait cannot be called in this context"); this thread waits instead.
pub fn run_dispatcher() {
    let _ = DISPATCHER.set(std::thread::current());
    loop {
        let next = lock(&HANDOVER).pop_front();
        match (next, POOL.get()) {
            (Some(work), Some(threads)) => threads.spawn(work),
            (Some(work), None) => {
                lock(&HANDOVER).push_front(work);
                std::thread::park();
            }
            (None, _) => std::thread::park(),
        }
    }
}

/// Claims the right to start the pool: true for the first caller only.
pub fn begin_start() -> bool {
    !STARTING.swap(true, Ordering::AcqRel)
}

/// Releases the claim of [`begin_start`] after a failed start, so it can be tried again.
pub fn start_failed() {
    STARTING.store(false, Ordering::Release);
}

/// Records that the pool is built with `threads` threads.
pub fn mark_ready(threads: usize) {
    THREADS.store(threads, Ordering::Release);
}

/// The pool's size once it is ready.
///
/// Natively, rayon builds its global pool on first use, so it is always ready.
///
/// # Errors
/// [`ErrorKind::EngineCrashed`] after a crash; [`ErrorKind::PoolNotReady`] on wasm before
/// `initThreadPool` resolved.
pub fn ready_threads() -> Result<usize, Error> {
    if CRASHED.load(Ordering::Acquire) {
        return Err(crashed_error());
    }
    match THREADS.load(Ordering::Acquire) {
        0 if cfg!(target_arch = "wasm32") => Err(Error::new(
            ErrorKind::PoolNotReady,
            "the thread pool is not running: await initThreadPool(threads) before running jobs",
        )),
        0 => Ok(rayon::current_num_threads()),
        threads => Ok(threads),
    }
}

/// The first panic's message and location, if the instance panicked.
pub fn crash_message() -> Option<String> {
    CRASH_MESSAGE
        .try_lock()
        .ok()
        .and_then(|message| message.clone())
}

/// Whether the engine crashed.
pub fn is_crashed() -> bool {
    CRASHED.load(Ordering::Acquire)
}

fn crashed_error() -> Error {
    let cause = lock(&CRASH_MESSAGE)
        .clone()
        .unwrap_or_else(|| "a thread trapped".into());
    Error::new(
        ErrorKind::EngineCrashed,
        format!(
            "the engine crashed ({cause}): the jobs running then fail, run them again (the \
             package's Runner restarts the engine by itself; bare bindings need a page \
             reload). This is a bug: please report it with the job that caused it"
        ),
    )
}

/// The waiter's end of a job: its result, or the error that ended it.
pub(crate) type Waiter<T> = oneshot::Receiver<Result<T, Error>>;
/// The job's end: taken once, by the job or by a crash.
type Slot<T> = Arc<Mutex<Option<oneshot::Sender<Result<T, Error>>>>>;

/// Where a job's result goes: to the waiter of [`register`], once (a crash may have answered
/// it first, with [`ErrorKind::EngineCrashed`]).
pub(crate) struct Answer<T> {
    id: u64,
    slot: Slot<T>,
}

impl<T> Answer<T> {
    /// The job's id, for [`forget`].
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Hands the job's result to its waiter.
    pub(crate) fn send(self, result: Result<T, Error>) {
        lock(&PENDING).remove(&self.id);
        if let Some(reply) = lock(&self.slot).take() {
            // The waiter may have gone (its future dropped); nothing to do then.
            let _ = reply.send(result);
        }
    }
}

/// Registers a job whose result, a `T`, someone waits for: the job answers through the
/// [`Answer`], the waiter awaits the receiver. After a crash the registry answers every
/// waiter with [`ErrorKind::EngineCrashed`] through a closure that knows nothing of `T`.
///
/// # Errors
/// [`ErrorKind::EngineCrashed`] after a crash.
pub(crate) fn register<T: Send + 'static>() -> Result<(Answer<T>, Waiter<T>), Error> {
    let (reply, receiver) = oneshot::channel();
    let slot = Arc::new(Mutex::new(Some(reply)));
    let failing = Arc::clone(&slot);
    let fail: FailWaiter = Box::new(move |error| {
        // Never waits: a crashed thread may hold the slot (then its waiter is the caller's).
        if let Ok(mut slot) = failing.try_lock() {
            if let Some(reply) = slot.take() {
                let _ = reply.send(Err(error));
            }
        }
    });
    let id = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
    let mut pending = lock(&PENDING);
    if is_crashed() {
        return Err(crashed_error());
    }
    pending.insert(id, fail);
    Ok((Answer { id, slot }, receiver))
}

/// Forgets job `id`, whose work was withdrawn before it started: no result will come.
pub(crate) fn forget(id: u64) {
    lock(&PENDING).remove(&id);
}

/// Installs the panic hook that fails every pending job before a panic traps the instance.
/// Idempotent.
pub fn install_crash_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            crashed(&info.to_string());
            previous(info);
        }));
    });
}

/// Marks the engine crashed because of `cause` (kept if it is the first) and answers every
/// pending job with [`ErrorKind::EngineCrashed`]: what the panic hook does before the trap,
/// and what the page does when a pool thread trapped without a panic (an `unreachable`,
/// memory exhausted), before it makes a new engine. Never waits: a thread that crashed may
/// hold a lock, and then the pending jobs are left to the caller.
pub fn crashed(cause: &str) {
    if let Ok(mut message) = CRASH_MESSAGE.try_lock() {
        message.get_or_insert_with(|| cause.to_string());
    }
    CRASHED.store(true, Ordering::Release);
    if let Ok(mut pending) = PENDING.try_lock() {
        for (_, fail) in std::mem::take(&mut *pending) {
            fail(crashed_error());
        }
    }
}
