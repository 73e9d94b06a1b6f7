//! `sum`: build an array of `n` u64 (all ones) in wasm memory, then add it up; or add up an
//! app's integers ([`total`]).
//!
//! Memory-bound: the array's `8·n` bytes stream out to memory, so the speedup is bounded by
//! memory bandwidth, not by cores. The array is allocated with `try_reserve_exact`, so a size the memory cannot
//! hold is an error, never an abort.

use std::mem::MaybeUninit;

use super::{sort::Numbers, sum_chunks, sum_chunks_mut, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
use crate::{Error, ErrorKind};

/// Elements per chunk: 256 KiB of u64, which stays in a core's L2 cache between the writes
/// and the reads.
const ELEMENTS_PER_CHUNK: usize = 1 << 15;

/// Parameters of `sum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of elements.
    pub n: u64,
}

/// Bytes the array needs.
pub fn memory_bytes(params: &Params) -> u64 {
    params.n.saturating_mul(8)
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::sum};
/// assert_eq!(sum::sequential(&sum::Params { n: 1_000 }, &Ctx::new())?.checksum, 1_000);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the array cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let len = usize::try_from(params.n).map_err(|_| too_big(params))?;
    let mut values: Vec<u64> = Vec::new();
    values.try_reserve_exact(len).map_err(|_| too_big(params))?;
    ctx.set_total(params.n);

    // Each chunk is built and then summed while it is still in the core's cache: the whole
    // array is written to memory, and every element is read back, but only once from memory.
    let spare = &mut values.spare_capacity_mut()[..len];
    let checksum = sum_chunks_mut(ctx, spare, ELEMENTS_PER_CHUNK, mode, |_, chunk| {
        ctx.check()?;
        chunk.fill(MaybeUninit::new(1));
        // Safety: every element of `chunk` was initialized by the `fill` just above.
        let chunk = unsafe { &*(chunk as *const [MaybeUninit<u64>] as *const [u64]) };
        let total = chunk.iter().fold(0u64, |acc, &v| acc.wrapping_add(v));
        ctx.checkpoint(chunk.len() as u64)?;
        Ok(total)
    })?;
    // The elements stay uninitialized as far as `values` knows (a part of a job split across
    // processes writes only its share): it frees the memory without reading it.
    drop(values);
    Ok(Output { checksum })
}

/// Adds up an app's integers in `mode` (their chunks spread over the threads, or this part's
/// share of them): the sum wraps around at 2^64, as `wrapping_add` does, so that every mode
/// and every way of cutting the array gives the same bits. Returns the sum as `i64`.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::{sort::Numbers, sum}};
/// let values = Numbers::I32((-500..=1000).collect());
/// assert_eq!(sum::total(&values, &Ctx::new(), Mode::Parallel)?, 375_250);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::InvalidParams`] for floating-point numbers (their sum depends on the order of
/// the additions); [`ErrorKind::Aborted`] or [`ErrorKind::Timeout`] when cancelled.
pub fn total(values: &Numbers, ctx: &Ctx, mode: Mode) -> Result<i64, Error> {
    fn add<T: Copy + Sync>(
        values: &[T],
        ctx: &Ctx,
        mode: Mode,
        wide: fn(T) -> u64,
    ) -> Result<u64, Error> {
        ctx.set_total(values.len() as u64);
        let chunks = values.len().div_ceil(ELEMENTS_PER_CHUNK) as u64;
        sum_chunks(ctx, chunks, mode, |index| {
            ctx.check()?;
            let start = index as usize * ELEMENTS_PER_CHUNK;
            let chunk = &values[start..values.len().min(start + ELEMENTS_PER_CHUNK)];
            let total = chunk.iter().fold(0u64, |acc, &v| acc.wrapping_add(wide(v)));
            ctx.checkpoint(chunk.len() as u64)?;
            Ok(total)
        })
    }
    let bits = match values {
        Numbers::I32(v) => add(v, ctx, mode, |x| i64::from(x) as u64)?,
        Numbers::U32(v) => add(v, ctx, mode, u64::from)?,
        Numbers::I64(v) => add(v, ctx, mode, |x| x as u64)?,
        Numbers::U64(v) => add(v, ctx, mode, |x| x)?,
        Numbers::F64(_) | Numbers::F32(_) => {
            return Err(Error::invalid(
                "sum: input must hold integers; floating-point sums depend on the order of the                  additions, so the modes could disagree: scale and round to integers first",
            ))
        }
    };
    Ok(bits as i64)
}

fn too_big(params: &Params) -> Error {
    Error::new(
        ErrorKind::OverBudget,
        format!(
            "sum: an array of {} elements ({} MiB) does not fit in memory; use a smaller n",
            params.n,
            memory_bytes(params) / (1 << 20)
        ),
    )
}

/// The catalogue's `sum` (its entry is `Workload::of::<Sum>()`).
pub struct Sum;

impl Kernel for Sum {
    const NAME: &'static str = "sum";
    const DESCRIPTION: &'static str =
        "Builds an array of n u64 ones in wasm memory and adds it up: \
                      memory-bound, so memory bandwidth limits the speedup.";
    const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer(
        "n",
        "array length (8 bytes each)",
        1,
        1 << 36,
        25_000_000,
    )];
    const SPLITS: bool = true;

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params { n: v[0] })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let p = Params { n: v[0] };
        run(&p, ctx, mode)
    }
}

/// What `sum`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str =
    "Int32Array | Uint32Array | BigInt64Array | BigUint64Array -> { sum: bigint } \
             (wrapping at 2^64)";
