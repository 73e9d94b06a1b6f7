//! Blocking coordination between the pool's threads, for the lab's experiments and for
//! kernels that need more than rayon's fork-join: a counting [`Semaphore`], a one-shot
//! [`Event`], a [`ReentrantLock`] (Python's `RLock`; std's is not stable yet), a bounded
//! [`WorkQueue`] with `task_done`/`join`, Python's `queue.Queue`, and a [`Mailbox`] through
//! which a browser's main thread hands values to threads that wait for them.
//! `Mutex`, `Barrier` and atomics come from `std`, which has them; these are built on its
//! `Mutex` and `Condvar`, whose waits on wasm are `memory.atomic.wait32` on a pool thread.
//!
//! Only pool threads (or native threads) may wait here: a browser's main thread must never
//! block (`Atomics.wait` is not allowed there); it may only put into a [`Mailbox`].

mod mailbox;

pub use mailbox::Mailbox;

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A counting semaphore: at most `permits` holders at once; waiters are woken in no
/// particular order (std's `Condvar`).
///
/// ```
/// use webpar::sync::Semaphore;
/// let semaphore = Semaphore::new(2);
/// let first = semaphore.acquire();
/// let second = semaphore.acquire();
/// assert!(semaphore.try_acquire().is_none());
/// drop(first);
/// assert!(semaphore.try_acquire().is_some());
/// # drop(second);
/// ```
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    freed: Condvar,
}

/// A permit of a [`Semaphore`]: released when dropped.
#[derive(Debug)]
pub struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    /// A semaphore with `permits` permits.
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            freed: Condvar::new(),
        }
    }

    /// Waits for a permit.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = lock(&self.free);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit(self)
    }

    /// A permit if one is free now.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = lock(&self.free);
        (*free > 0).then(|| {
            *free -= 1;
            Permit(self)
        })
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *lock(&self.0.free) += 1;
        self.0.freed.notify_one();
    }
}

/// A flag threads wait on until it is set, once (Python's `threading.Event`).
///
/// ```
/// use webpar::sync::Event;
/// let event = Event::new();
/// assert!(!event.is_set());
/// event.set();
/// event.wait(); // returns at once
/// ```
#[derive(Debug, Default)]
pub struct Event {
    set: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// An event not set yet.
    pub fn new() -> Self {
        Event::default()
    }

    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        *lock(&self.set) = true;
        self.changed.notify_all();
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        *lock(&self.set)
    }

    /// Waits until the flag is set.
    pub fn wait(&self) {
        let mut set = lock(&self.set);
        while !*set {
            set = self
                .changed
                .wait(set)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A lock its holder may take again (Python's `threading.RLock`): other threads wait until
/// the holder has released it as many times as it took it.
///
/// ```
/// use webpar::sync::ReentrantLock;
/// let lock = ReentrantLock::new();
/// let outer = lock.lock();
/// let inner = lock.lock(); // the same thread: no deadlock
/// assert_eq!(lock.depth(), 2);
/// drop(inner);
/// drop(outer);
/// assert_eq!(lock.depth(), 0);
/// ```
#[derive(Debug, Default)]
pub struct ReentrantLock {
    /// The holder and how many times it holds the lock.
    state: Mutex<(Option<ThreadId>, usize)>,
    released: Condvar,
}

/// One hold of a [`ReentrantLock`]: released when dropped.
#[derive(Debug)]
pub struct ReentrantGuard<'a>(&'a ReentrantLock);

impl ReentrantLock {
    /// An unheld lock.
    pub fn new() -> Self {
        ReentrantLock::default()
    }

    /// Takes the lock: at once if this thread holds it, else once nobody does.
    pub fn lock(&self) -> ReentrantGuard<'_> {
        let me = std::thread::current().id();
        let mut state = lock(&self.state);
        while state.0.is_some_and(|holder| holder != me) {
            state = self
                .released
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.0 = Some(me);
        state.1 += 1;
        ReentrantGuard(self)
    }

    /// How many times the holder holds it (0: free).
    pub fn depth(&self) -> usize {
        lock(&self.state).1
    }
}

impl Drop for ReentrantGuard<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.0.state);
        state.1 -= 1;
        if state.1 == 0 {
            state.0 = None;
            self.0.released.notify_one();
        }
    }
}

/// A bounded FIFO queue between producer and consumer threads, with Python's
/// `task_done`/`join`: `join` returns once every item put has been taken and marked done.
///
/// ```
/// use webpar::sync::WorkQueue;
/// let queue = WorkQueue::new(2);
/// assert!(!queue.put(1)); // did not have to wait
/// queue.put(2);
/// assert_eq!(queue.get(), Some(1));
/// queue.task_done();
/// assert_eq!(queue.get(), Some(2));
/// queue.task_done();
/// queue.join(); // every item is done
/// queue.close();
/// assert_eq!(queue.get(), None);
/// ```
#[derive(Debug)]
pub struct WorkQueue<T> {
    state: Mutex<QueueState<T>>,
    not_full: Condvar,
    not_empty: Condvar,
    all_done: Condvar,
    capacity: usize,
}

#[derive(Debug)]
struct QueueState<T> {
    items: VecDeque<T>,
    unfinished: usize,
    closed: bool,
}

impl<T> WorkQueue<T> {
    /// A queue holding at most `capacity` items (at least 1).
    pub fn new(capacity: usize) -> Self {
        WorkQueue {
            state: Mutex::new(QueueState {
                items: VecDeque::new(),
                unfinished: 0,
                closed: false,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
            all_done: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    /// Puts `item`, waiting while the queue is full; returns whether it had to wait (a
    /// producer stall). After [`WorkQueue::close`] the item is dropped.
    pub fn put(&self, item: T) -> bool {
        let mut state = lock(&self.state);
        let stalled = state.items.len() >= self.capacity && !state.closed;
        while state.items.len() >= self.capacity && !state.closed {
            state = self
                .not_full
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if !state.closed {
            state.items.push_back(item);
            state.unfinished += 1;
            self.not_empty.notify_one();
        }
        stalled
    }

    /// Takes the oldest item, waiting while the queue is empty; `None` once it is closed and
    /// empty.
    pub fn get(&self) -> Option<T> {
        let mut state = lock(&self.state);
        loop {
            if let Some(item) = state.items.pop_front() {
                self.not_full.notify_one();
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Marks one item taken by [`WorkQueue::get`] as processed.
    pub fn task_done(&self) {
        let mut state = lock(&self.state);
        state.unfinished = state.unfinished.saturating_sub(1);
        if state.unfinished == 0 {
            self.all_done.notify_all();
        }
    }

    /// Waits until every item put has been marked done.
    pub fn join(&self) {
        let mut state = lock(&self.state);
        while state.unfinished > 0 {
            state = self
                .all_done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Wakes every waiter: `get` returns `None` once the queue is empty, `put` drops its item.
    pub fn close(&self) {
        lock(&self.state).closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
}
