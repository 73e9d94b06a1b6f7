//! The chunk driver every kernel runs on: the same chunks, in any of the three modes.
//!
//! Results are combined with wrapping addition, which is associative and commutative, so the
//! checksum does not depend on which thread ran which chunk, nor in what order.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use super::{Ctx, Mode};
use crate::Error;

/// Runs `work(index)` for every chunk index in `0..chunks` and sums the results (wrapping).
pub(crate) fn sum_chunks<F>(ctx: &Ctx, chunks: u64, mode: Mode, work: F) -> Result<u64, Error>
where
    F: Fn(u64) -> Result<u64, Error> + Sync,
{
    match ctx.recorder() {
        None => sum_chunks_in(chunks, mode, work),
        Some(recorder) => {
            let pass = recorder.begin_pass(chunks);
            sum_chunks_in(chunks, mode, |index| {
                recorder.time(pass, index, || work(index))
            })
        }
    }
}

fn sum_chunks_in<F>(chunks: u64, mode: Mode, work: F) -> Result<u64, Error>
where
    F: Fn(u64) -> Result<u64, Error> + Sync,
{
    match mode {
        Mode::Sequential => {
            (0..chunks).try_fold(0u64, |acc, index| Ok(acc.wrapping_add(work(index)?)))
        }
        Mode::Parallel => (0..chunks)
            .into_par_iter()
            .map(&work)
            .try_reduce(|| 0, |a, b| Ok(a.wrapping_add(b))),
        Mode::Threads(lanes) => in_lanes(lanes.max(1), chunks, &work),
        Mode::Part { .. } => mode
            .share(chunks)
            .try_fold(0u64, |acc, index| Ok(acc.wrapping_add(work(index)?))),
    }
}

/// `lanes` rayon tasks, each taking the next chunk index from a shared counter until none is
/// left. The first error stops every lane after its current chunk.
fn in_lanes<F>(lanes: usize, chunks: u64, work: &F) -> Result<u64, Error>
where
    F: Fn(u64) -> Result<u64, Error> + Sync,
{
    let next = AtomicU64::new(0);
    let mut results: Vec<Result<u64, Error>> = (0..lanes).map(|_| Ok(0)).collect();
    rayon::scope(|scope| {
        for result in results.iter_mut() {
            let next = &next;
            scope.spawn(move |_| {
                let mut acc = 0u64;
                *result = loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= chunks {
                        break Ok(acc);
                    }
                    match work(index) {
                        Ok(value) => acc = acc.wrapping_add(value),
                        Err(err) => {
                            next.store(chunks, Ordering::Relaxed);
                            break Err(err);
                        }
                    }
                };
            });
        }
    });
    results
        .into_iter()
        .try_fold(0u64, |acc, result| Ok(acc.wrapping_add(result?)))
}

/// Like [`sum_chunks`] over the chunks of `chunk_len` elements of `data`, each handed to
/// `work(index, chunk)` mutably.
pub(crate) fn sum_chunks_mut<T, F>(
    ctx: &Ctx,
    data: &mut [T],
    chunk_len: usize,
    mode: Mode,
    work: F,
) -> Result<u64, Error>
where
    T: Send,
    F: Fn(usize, &mut [T]) -> Result<u64, Error> + Sync,
{
    match ctx.recorder() {
        None => sum_chunks_mut_in(data, chunk_len, mode, work),
        Some(recorder) => {
            let pass = recorder.begin_pass(data.len().div_ceil(chunk_len.max(1)) as u64);
            sum_chunks_mut_in(data, chunk_len, mode, |index, chunk| {
                recorder.time(pass, index as u64, || work(index, chunk))
            })
        }
    }
}

fn sum_chunks_mut_in<T, F>(
    data: &mut [T],
    chunk_len: usize,
    mode: Mode,
    work: F,
) -> Result<u64, Error>
where
    T: Send,
    F: Fn(usize, &mut [T]) -> Result<u64, Error> + Sync,
{
    match mode {
        Mode::Sequential => data
            .chunks_mut(chunk_len)
            .enumerate()
            .try_fold(0u64, |acc, (index, chunk)| {
                Ok(acc.wrapping_add(work(index, chunk)?))
            }),
        Mode::Parallel => data
            .par_chunks_mut(chunk_len)
            .enumerate()
            .map(|(index, chunk)| work(index, chunk))
            .try_reduce(|| 0, |a, b| Ok(a.wrapping_add(b))),
        Mode::Threads(lanes) => {
            // Each chunk index is taken by exactly one lane, so every lock is uncontended; the
            // mutexes only turn "one lane per chunk" into something the compiler can check.
            let slots: Vec<Mutex<&mut [T]>> = data.chunks_mut(chunk_len).map(Mutex::new).collect();
            in_lanes(lanes.max(1), slots.len() as u64, &|index| {
                let mut chunk = slots[index as usize]
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                work(index as usize, &mut chunk)
            })
        }
        Mode::Part { .. } => {
            let share = mode.share(data.len().div_ceil(chunk_len.max(1)) as u64);
            data.chunks_mut(chunk_len)
                .enumerate()
                .skip(share.start as usize)
                .take((share.end - share.start) as usize)
                .try_fold(0u64, |acc, (index, chunk)| {
                    Ok(acc.wrapping_add(work(index, chunk)?))
                })
        }
    }
}

/// Splits `0..len` into chunks of `chunk` items and sums `work(range)` over them (wrapping),
/// with progress counted in items and cancellation seen between chunks: the chunk driver of
/// most kernels, and of workloads that other crates add (see [`crate::engine::Kernel`]). The
/// chunks do not depend on the thread count, so every mode gives the same sum.
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] once the job is cancelled.
pub fn sum_over_ranges<F>(
    len: u64,
    chunk: u64,
    mode: Mode,
    ctx: &Ctx,
    work: F,
) -> Result<u64, Error>
where
    F: Fn(Range<u64>) -> u64 + Sync,
{
    ctx.set_total(len);
    sum_chunks(ctx, len.div_ceil(chunk), mode, |index| {
        ctx.check()?;
        let start = index * chunk;
        let range = start..(start + chunk).min(len);
        let items = range.end - range.start;
        let value = work(range);
        ctx.checkpoint(items)?;
        Ok(value)
    })
}

/// Splits `data` into chunks of `chunk` items, hands each to `work(start, chunk)` mutably
/// (`start`: the index of its first item in `data`) and sums what `work` returns (wrapping),
/// with progress counted in items and cancellation seen between chunks: [`sum_over_ranges`]
/// for kernels that fill an output (the `input` forms of [`crate::engine::InputKernel`]).
/// The chunks do not depend on the thread count, so every mode gives the same sum.
///
/// ```
/// use webpar::engine::{Ctx, Mode};
/// let mut squares = vec![0u64; 10_000];
/// let sum = webpar::kernels::fill_in_chunks(&mut squares, 1024, Mode::Parallel, &Ctx::new(), |start, chunk| {
///     for (i, x) in chunk.iter_mut().enumerate() {
///         *x = ((start + i) * (start + i)) as u64;
///     }
///     chunk.iter().sum::<u64>()
/// })?;
/// assert_eq!((squares[99], sum), (9801, squares.iter().sum::<u64>()));
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] once the job is cancelled.
pub fn fill_in_chunks<T, F>(
    data: &mut [T],
    chunk: usize,
    mode: Mode,
    ctx: &Ctx,
    work: F,
) -> Result<u64, Error>
where
    T: Send,
    F: Fn(usize, &mut [T]) -> u64 + Sync,
{
    let chunk = chunk.max(1);
    ctx.set_total(data.len() as u64);
    sum_chunks_mut(ctx, data, chunk, mode, |index, piece| {
        ctx.check()?;
        let value = work(index * chunk, piece);
        ctx.checkpoint(piece.len() as u64)?;
        Ok(value)
    })
}
