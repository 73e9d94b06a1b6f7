//! `sort`: sort `n` pseudo-random u64 with a merge sort made of fixed-size chunks.
//!
//! Memory-bound. First every run of 64 Ki elements is sorted (`sort_unstable`); then runs are
//! merged pairwise, pass after pass. Each pass is cut into output chunks of 64 Ki elements
//! that are merged independently: a chunk finds where its first output comes from in both
//! runs by binary search (the "merge path" co-rank), so even the last pass, which merges
//! two halves of the whole array, spreads over every thread and sees cancellation within a
//! chunk. The checksum digests every element with its position, so it proves the order.

use super::{filled_vec, mix, sum_chunks, sum_chunks_mut, Output};
use crate::engine::{Ctx, Mode};
use crate::{Error, ErrorKind};

/// Elements per initial run and per merge output chunk.
const CHUNK: usize = 1 << 16;

/// Parameters of `sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of elements.
    pub n: u64,
}

/// Bytes of the data and the merge buffer.
pub fn memory_bytes(params: &Params) -> u64 {
    params.n.saturating_mul(16)
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::sort};
/// let p = sort::Params { n: 300_000 };
/// assert_eq!(sort::sequential(&p, &Ctx::new())?, sort::parallel(&p, &Ctx::new())?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the buffers cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let sorted = sorted_values(params, ctx, mode)?;
    let checksum = sum_chunks(sorted.len().div_ceil(CHUNK) as u64, mode, |index| {
        ctx.check()?;
        let start = index as usize * CHUNK;
        let chunk = &sorted[start..(start + CHUNK).min(sorted.len())];
        let digest = chunk.iter().enumerate().fold(0u64, |acc, (i, &v)| {
            acc.wrapping_add(mix(
                v ^ ((start + i) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ))
        });
        ctx.checkpoint(chunk.len() as u64)?;
        Ok(digest)
    })?;
    Ok(Output { checksum })
}

/// The `n` values of the kernel (`mix(i)` for each index `i`), sorted.
///
/// # Errors
/// As [`run`].
pub fn sorted_values(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Vec<u64>, Error> {
    let n = usize::try_from(params.n).map_err(|_| too_big(params))?;
    let mut data = filled_vec(n, ctx, || too_big(params))?;
    let mut scratch = filled_vec(n, ctx, || too_big(params))?;
    let passes = passes(n);
    // Progress: the run sorts, each merge pass and the checksum, n elements each.
    ctx.set_total((n as u64).saturating_mul(passes as u64 + 2));

    sum_chunks_mut(&mut data, CHUNK, mode, |index, run| {
        ctx.check()?;
        let first = (index * CHUNK) as u64;
        for (offset, value) in run.iter_mut().enumerate() {
            *value = mix(first + offset as u64);
        }
        run.sort_unstable();
        ctx.checkpoint(run.len() as u64)?;
        Ok(0)
    })?;
    let (mut src, mut dst) = (&mut data, &mut scratch);
    let mut width = CHUNK;
    for _ in 0..passes {
        let from: &[u64] = src;
        sum_chunks_mut(dst, CHUNK, mode, |index, out| {
            ctx.check()?;
            merge_chunk(from, width, index * CHUNK, out);
            ctx.checkpoint(out.len() as u64)?;
            Ok(0)
        })?;
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    Ok(std::mem::take(src))
}

/// Merge passes needed to turn runs of `CHUNK` into one run of `n`.
fn passes(n: usize) -> u32 {
    let runs = n.div_ceil(CHUNK).max(1);
    runs.next_power_of_two().trailing_zeros()
}

/// Writes to `out` the merged elements at positions `start..start + out.len()` of the pass
/// that merges neighbouring runs of `width` elements of `src`.
fn merge_chunk(src: &[u64], width: usize, start: usize, out: &mut [u64]) {
    // Widths are CHUNK · 2^k, so an output chunk never straddles two pairs of runs.
    let pair = start / (2 * width) * (2 * width);
    let middle = (pair + width).min(src.len());
    let end = (pair + 2 * width).min(src.len());
    let (left, right) = (&src[pair..middle], &src[middle..end]);
    let rank = start - pair;
    let (mut i, mut j) = co_rank(rank, left, right);
    for slot in out.iter_mut() {
        // Ties come from the left run first, as a stable merge would.
        if j >= right.len() || (i < left.len() && left[i] <= right[j]) {
            *slot = left[i];
            i += 1;
        } else {
            *slot = right[j];
            j += 1;
        }
    }
}

/// How many of the first `rank` merged elements come from `left` and from `right`.
fn co_rank(rank: usize, left: &[u64], right: &[u64]) -> (usize, usize) {
    let (mut low, mut high) = (rank.saturating_sub(right.len()), rank.min(left.len()));
    while low < high {
        let i = (low + high) / 2;
        let j = rank - i;
        // Too few from the left if left[i] belongs before right[j - 1].
        if j > 0 && i < left.len() && left[i] <= right[j - 1] {
            low = i + 1;
        } else {
            high = i;
        }
    }
    (low, rank - low)
}

fn too_big(params: &Params) -> Error {
    Error::new(
        ErrorKind::OverBudget,
        format!(
            "sort: {} elements ({} MiB with the merge buffer) do not fit in memory; use a smaller n",
            params.n,
            memory_bytes(params) >> 20
        ),
    )
}
