//! Pure CPU kernels: platform-free, no JS, runnable under native `cargo test`.
//!
//! Each kernel has a sequential and a parallel variant with identical results: both split the
//! work into the same fixed chunks (independent of the thread count), so the checksum does not
//! depend on how many threads ran it. Between chunks they call [`Ctx::checkpoint`], which
//! reports progress and stops the kernel once it is cancelled.

pub mod countdown;
pub mod mandelbrot;
pub mod primes;
pub mod sum;

use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::{Ctx, Mode};
use crate::Error;

/// What a kernel returns: a checksum that proves two runs computed the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Output {
    /// Order-independent digest of the kernel's results (for `primes`, the count itself).
    pub checksum: u64,
}

/// Splits `0..len` into chunks of `chunk` items and folds `work(range)` over them with a
/// wrapping sum, on one thread or across the pool. The chunking does not depend on `mode`, and
/// wrapping addition is associative and commutative, so both modes give the same checksum.
///
/// Progress is counted in items; cancellation is seen between chunks.
pub(crate) fn sum_over_chunks<F>(
    len: u64,
    chunk: u64,
    mode: Mode,
    ctx: &Ctx,
    work: F,
) -> Result<u64, Error>
where
    F: Fn(Range<u64>) -> u64 + Sync,
{
    debug_assert!(chunk > 0);
    ctx.set_total(len);
    let chunks = len.div_ceil(chunk);
    let range_of = |index: u64| {
        let start = index * chunk;
        start..(start + chunk).min(len)
    };
    let run_chunk = |index: u64| -> Result<u64, Error> {
        ctx.check()?;
        let range = range_of(index);
        let items = range.end - range.start;
        let value = work(range);
        ctx.checkpoint(items)?;
        Ok(value)
    };
    match mode {
        Mode::Sequential => (0..chunks).try_fold(0u64, |acc, index| {
            run_chunk(index).map(|value| acc.wrapping_add(value))
        }),
        Mode::Parallel => (0..chunks)
            .into_par_iter()
            .map(run_chunk)
            .try_reduce(|| 0, |a, b| Ok(a.wrapping_add(b))),
    }
}

/// A 64-bit finalizer (splitmix64) used to digest values into checksums.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}
