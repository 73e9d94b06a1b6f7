//! [`Mailbox`]: values handed from a thread that must never wait to threads that may.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError, TryLockError};

/// Tries of the lock a [`Mailbox::put`] makes before it gives up: a waiting thread holds the
/// lock only to look at the items (`Condvar::wait` releases it), so this is never reached
/// unless that thread died holding it (a worker terminated or trapped at that instant).
const TRIES: u32 = 1 << 22;

/// Values handed from a thread that must never wait on a lock (a browser's main thread, where
/// `Atomics.wait` traps) to threads that may (pool threads, workers), in order.
///
/// [`Mailbox::put`] and [`Mailbox::close`] never wait: they take the lock with `try_lock`
/// and wake a waiter with `Condvar::notify_one`/`notify_all`, which only ever wake. A
/// channel's `send` is not enough: std's `mpsc` wakes its receiver through a `Mutex` that
/// the receiver holds while it registers itself, so a sender that comes at that instant
/// waits on it.
///
/// ```
/// use std::sync::Arc;
/// use webpar::sync::Mailbox;
/// let mailbox = Arc::new(Mailbox::new());
/// let waiter = { let mailbox = Arc::clone(&mailbox); std::thread::spawn(move || mailbox.take()) };
/// mailbox.put(42).unwrap();
/// assert_eq!(waiter.join().unwrap(), Some(42));
/// mailbox.close();
/// assert_eq!(mailbox.take(), None);
/// assert_eq!(mailbox.put(7), Err(7));
/// ```
#[derive(Debug)]
pub struct Mailbox<T> {
    state: Mutex<State<T>>,
    arrived: Condvar,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox::new()
    }
}

impl<T> Mailbox<T> {
    /// An open, empty mailbox.
    pub const fn new() -> Self {
        Mailbox {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
            }),
            arrived: Condvar::new(),
        }
    }

    /// Runs `change` on the state under the lock, taken without ever waiting; `None` if the
    /// lock could not be had (see [`TRIES`]).
    fn without_waiting<R>(&self, change: impl FnOnce(&mut State<T>) -> R) -> Option<R> {
        let mut state = None;
        for _ in 0..TRIES {
            match self.state.try_lock() {
                Ok(guard) => state = Some(guard),
                Err(TryLockError::Poisoned(poisoned)) => state = Some(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => {
                    std::hint::spin_loop();
                    continue;
                }
            }
            break;
        }
        state.map(|mut state| change(&mut state))
    }

    /// Puts `item` in for one waiter, without ever waiting.
    ///
    /// # Errors
    /// Gives `item` back when the mailbox is closed, or when a thread that died holding its
    /// lock keeps it from being put in.
    pub fn put(&self, item: T) -> Result<(), T> {
        let mut item = Some(item);
        let put = self.without_waiting(|state| {
            if state.closed {
                return false;
            }
            state.items.extend(item.take());
            true
        });
        match (put, item) {
            (Some(true), _) => {
                self.arrived.notify_one();
                Ok(())
            }
            (_, Some(item)) => Err(item),
            // Unreachable: the item is taken only when it is put in.
            (_, None) => Ok(()),
        }
    }

    /// Closes the mailbox, without ever waiting: the items in it can still be taken, then
    /// [`Mailbox::take`] returns `None` (at once for every thread waiting). False if a thread
    /// that died holding the lock kept it from closing.
    pub fn close(&self) -> bool {
        let closed = self.without_waiting(|state| state.closed = true).is_some();
        self.arrived.notify_all();
        closed
    }

    /// Waits for the next item; `None` once the mailbox is closed and empty. Only for threads
    /// that may wait (never a browser's main thread).
    pub fn take(&self) -> Option<T> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = self
                .arrived
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Mailbox;

    #[test]
    fn items_come_out_in_order_to_waiting_threads_and_close_wakes_every_waiter() {
        let mailbox = Arc::new(Mailbox::new());
        let takers: Vec<_> = (0..4)
            .map(|_| {
                let mailbox = Arc::clone(&mailbox);
                std::thread::spawn(move || {
                    let mut got = Vec::new();
                    while let Some(item) = mailbox.take() {
                        got.push(item);
                    }
                    got
                })
            })
            .collect();
        for item in 0..10_000 {
            mailbox.put(item).unwrap();
        }
        assert!(mailbox.close());
        let mut all: Vec<u32> = Vec::new();
        for taker in takers {
            let got = taker.join().unwrap();
            // Each taker saw its items in the order they were put in.
            assert!(got.windows(2).all(|pair| pair[0] < pair[1]));
            all.extend(got);
        }
        all.sort_unstable();
        assert_eq!(all, (0..10_000).collect::<Vec<_>>());
        assert_eq!(mailbox.put(1), Err(1));
    }

    #[test]
    fn put_gives_up_on_a_lock_that_is_never_released() {
        let mailbox = Mailbox::new();
        let held = mailbox.state.lock().unwrap();
        assert_eq!(mailbox.put(5), Err(5));
        assert!(!mailbox.close());
        drop(held);
        assert_eq!(mailbox.put(6), Ok(()));
        assert_eq!(mailbox.take(), Some(6));
    }
}
