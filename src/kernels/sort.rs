//! `sort`: sort `n` pseudo-random u64 with a merge sort made of fixed-size chunks.
//!
//! Memory-bound. First every run of 64 Ki elements is sorted (`sort_unstable`); then runs are
//! merged pairwise, pass after pass. Each pass is cut into output chunks of 64 Ki elements
//! that are merged independently: a chunk finds where its first output comes from in both
//! runs by binary search (the "merge path" co-rank), so even the last pass, which merges
//! two halves of the whole array, spreads over every thread and sees cancellation within a
//! chunk. The checksum digests every element with its position, so it proves the order.

use super::{filled_vec, mix, sum_chunks, sum_chunks_mut, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
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
    let checksum = sum_chunks(ctx, sorted.len().div_ceil(CHUNK) as u64, mode, |index| {
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
    let data = filled_vec(n, ctx, mode, || too_big(params))?;
    let scratch = filled_vec(n, ctx, mode, || too_big(params))?;
    // Progress: the run sorts, each merge pass and the checksum, n elements each.
    ctx.set_total((n as u64).saturating_mul(passes(n) as u64 + 2));
    merge_sort(data, scratch, ctx, mode, |first, run| {
        for (offset, value) in run.iter_mut().enumerate() {
            *value = mix((first + offset) as u64);
        }
    })
}

/// Fills `data` run by run with `fill(first_index, run)`, sorts each run of `CHUNK`, then
/// merges the runs pairwise, pass after pass, each pass cut into independent output chunks.
fn merge_sort(
    mut data: Vec<u64>,
    mut scratch: Vec<u64>,
    ctx: &Ctx,
    mode: Mode,
    fill: impl Fn(usize, &mut [u64]) + Sync,
) -> Result<Vec<u64>, Error> {
    sum_chunks_mut(ctx, &mut data, CHUNK, mode, |index, run| {
        ctx.check()?;
        fill(index * CHUNK, run);
        run.sort_unstable();
        ctx.checkpoint(run.len() as u64)?;
        Ok(0)
    })?;
    let (mut src, mut dst) = (&mut data, &mut scratch);
    let mut width = CHUNK;
    for _ in 0..passes(src.len()) {
        let from: &[u64] = src;
        sum_chunks_mut(ctx, dst, CHUNK, mode, |index, out| {
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

/// An array of numbers of one type: what `sort` takes from an app and gives back sorted.
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    /// `Float64Array`.
    F64(Vec<f64>),
    /// `Float32Array`.
    F32(Vec<f32>),
    /// `Int32Array`.
    I32(Vec<i32>),
    /// `Uint32Array`.
    U32(Vec<u32>),
    /// `BigInt64Array`.
    I64(Vec<i64>),
    /// `BigUint64Array`.
    U64(Vec<u64>),
}

impl Numbers {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            Numbers::F64(v) => v.len(),
            Numbers::F32(v) => v.len(),
            Numbers::I32(v) => v.len(),
            Numbers::U32(v) => v.len(),
            Numbers::I64(v) => v.len(),
            Numbers::U64(v) => v.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of one element.
    pub fn element_bytes(&self) -> u64 {
        match self {
            Numbers::F32(_) | Numbers::I32(_) | Numbers::U32(_) => 4,
            _ => 8,
        }
    }
}

/// Bytes [`sort_numbers`] allocates for `len` elements beside the input: the keys and the
/// merge buffer.
pub fn numbers_memory_bytes(len: u64) -> u64 {
    len.saturating_mul(16)
}

/// A number type with an order-preserving map to `u64` keys.
trait SortKey: Copy + Send + Sync {
    fn key(self) -> u64;
    fn from_key(key: u64) -> Self;
}

const SIGN: u64 = 1 << 63;

impl SortKey for f64 {
    /// Negative numbers flip every bit, others only the sign: the keys order as the numbers
    /// do, with -0 before +0. Every NaN becomes the largest key: NaNs sort last.
    fn key(self) -> u64 {
        let bits = self.to_bits();
        if self.is_nan() {
            u64::MAX
        } else if bits & SIGN != 0 {
            !bits
        } else {
            bits | SIGN
        }
    }
    fn from_key(key: u64) -> f64 {
        if key == u64::MAX {
            f64::NAN
        } else if key & SIGN != 0 {
            f64::from_bits(key & !SIGN)
        } else {
            f64::from_bits(!key)
        }
    }
}

impl SortKey for f32 {
    fn key(self) -> u64 {
        let bits = self.to_bits();
        if self.is_nan() {
            u64::MAX
        } else if bits & (1 << 31) != 0 {
            u64::from(!bits)
        } else {
            u64::from(bits | (1 << 31))
        }
    }
    fn from_key(key: u64) -> f32 {
        if key == u64::MAX {
            return f32::NAN;
        }
        let bits = key as u32;
        if bits & (1 << 31) != 0 {
            f32::from_bits(bits & !(1 << 31))
        } else {
            f32::from_bits(!bits)
        }
    }
}

impl SortKey for i32 {
    fn key(self) -> u64 {
        (i64::from(self) - i64::from(i32::MIN)) as u64
    }
    fn from_key(key: u64) -> i32 {
        (key as i64 + i64::from(i32::MIN)) as i32
    }
}

impl SortKey for u32 {
    fn key(self) -> u64 {
        u64::from(self)
    }
    fn from_key(key: u64) -> u32 {
        key as u32
    }
}

impl SortKey for i64 {
    fn key(self) -> u64 {
        (self as u64) ^ SIGN
    }
    fn from_key(key: u64) -> i64 {
        (key ^ SIGN) as i64
    }
}

impl SortKey for u64 {
    fn key(self) -> u64 {
        self
    }
    fn from_key(key: u64) -> u64 {
        key
    }
}

/// Sorts an app's numbers in place, ascending, and returns the checksum of the sorted keys
/// (the same digest `run` uses, so both modes are proven to agree).
///
/// Floats sort as `TypedArray.prototype.sort` sorts them: -0 before +0, every NaN last.
/// Equal keys are equal values (bit for bit, NaNs aside), so stability cannot be observed.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::sort::{sort_numbers, Numbers}};
/// let mut values = Numbers::F64(vec![3.0, f64::NAN, -0.0, 0.0, -7.5]);
/// sort_numbers(&mut values, &Ctx::new(), Mode::Parallel)?;
/// let Numbers::F64(sorted) = values else { unreachable!() };
/// assert_eq!(sorted[..4], [-7.5, -0.0, 0.0, 3.0]);
/// assert!(sorted[4].is_nan() && sorted[1].is_sign_negative());
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the buffers cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn sort_numbers(values: &mut Numbers, ctx: &Ctx, mode: Mode) -> Result<u64, Error> {
    match values {
        Numbers::F64(v) => sort_slice(v, ctx, mode),
        Numbers::F32(v) => sort_slice(v, ctx, mode),
        Numbers::I32(v) => sort_slice(v, ctx, mode),
        Numbers::U32(v) => sort_slice(v, ctx, mode),
        Numbers::I64(v) => sort_slice(v, ctx, mode),
        Numbers::U64(v) => sort_slice(v, ctx, mode),
    }
}

fn sort_slice<T: SortKey>(values: &mut [T], ctx: &Ctx, mode: Mode) -> Result<u64, Error> {
    let n = values.len();
    let params = Params { n: n as u64 };
    let keys = filled_vec(n, ctx, mode, || too_big(&params))?;
    let scratch = filled_vec(n, ctx, mode, || too_big(&params))?;
    // Progress: the runs, each merge pass, and writing back, n elements each.
    ctx.set_total((n as u64).saturating_mul(passes(n) as u64 + 2));
    let source: &[T] = values;
    let sorted = merge_sort(keys, scratch, ctx, mode, |first, run| {
        for (key, value) in run.iter_mut().zip(&source[first..]) {
            *key = value.key();
        }
    })?;
    sum_chunks_mut(ctx, values, CHUNK, mode, |index, out| {
        ctx.check()?;
        let start = index * CHUNK;
        let digest = out.iter_mut().zip(&sorted[start..]).enumerate().fold(
            0u64,
            |acc, (i, (slot, &key))| {
                *slot = T::from_key(key);
                acc.wrapping_add(mix(
                    key ^ ((start + i) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ))
            },
        );
        ctx.checkpoint(out.len() as u64)?;
        Ok(digest)
    })
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

/// The catalogue's `sort` (its entry is `Workload::of::<Sort>()`).
pub struct Sort;

impl Kernel for Sort {
    const NAME: &'static str = "sort";
    const DESCRIPTION: &'static str =
        "Sorts n pseudo-random u64 (chunked merge sort): memory-bound, so memory \
                      bandwidth limits the speedup.";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "n",
        "elements (16 bytes each with the merge buffer)",
        1,
        1 << 32,
        5_000_000,
    )];

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params { n: v[0] })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        run(&Params { n: v[0] }, ctx, mode)
    }
}

/// What `sort`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "Float64Array | Float32Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array -> the same type, sorted ascending (NaN last, -0 before +0)";
