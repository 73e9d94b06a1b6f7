//! Pure CPU kernels: platform-free, no JS, runnable under native `cargo test`; and the list
//! of built-in workloads ([`WORKLOADS`]), one module and one line each.
//!
//! Each kernel has a sequential and a parallel variant with identical results: both split the
//! work into the same fixed chunks (independent of the thread count), so the checksum does not
//! depend on how many threads ran it. Between chunks they call [`Ctx::checkpoint`], which
//! reports progress and stops the kernel once it is cancelled.

/// The `sequential` and `parallel` entry points of a kernel module, both calling its
/// `run(params, ctx, mode)`.
macro_rules! modes {
    () => {
        /// Runs the kernel on the calling thread, chunk after chunk.
        ///
        /// # Errors
        /// As [`run`].
        pub fn sequential(params: &Params, ctx: &Ctx) -> Result<Output, Error> {
            run(params, ctx, Mode::Sequential)
        }

        /// Runs the kernel's chunks across the rayon pool; same checksum as [`sequential`].
        ///
        /// # Errors
        /// As [`run`].
        pub fn parallel(params: &Params, ctx: &Ctx) -> Result<Output, Error> {
            run(params, ctx, Mode::Parallel)
        }
    };
}

mod chunks;
mod context;
mod kernel;
mod mode;
mod timeline;

pub mod countdown;
pub mod empty;
pub mod equations;
pub mod mandelbrot;
pub mod matmul;
pub mod montecarlo_pi;
pub mod nbody;
pub mod option_pricing;
pub mod primes;
pub mod sha256;
pub mod sort;
pub mod sum;
pub mod wordcount;

use serde::Serialize;

use crate::engine::Workload;
use crate::Error;
pub(crate) use context::between_chunks;
pub use context::{Ctx, StopReason};
pub use kernel::{param_values, InputKernel, Kernel, ParamSpec};
pub use mode::Mode;
pub use timeline::{Lane, Recorder, Span, Timeline, TimelineClock};

pub use chunks::{fill_in_chunks, sum_over_ranges};
pub(crate) use chunks::{sum_chunks, sum_chunks_mut};

/// Every built-in workload, in the order the page lists them: the catalogue's first entries
/// (`webpar::engine::WORKLOADS`). A built-in workload is a module here and a line in this
/// list.
pub static WORKLOADS: &[Workload] = &[
    Workload::of::<countdown::Countdown>(),
    Workload::of::<sum::Sum>().with_input(sum::INPUT, "SumInput", "SumOutput"),
    Workload::of::<primes::Primes>().with_input(primes::INPUT, "PrimesInput", "PrimeList"),
    Workload::of::<mandelbrot::Mandelbrot>().with_input(
        mandelbrot::INPUT,
        "MandelbrotInput",
        "Image",
    ),
    Workload::of::<montecarlo_pi::MontecarloPi>(),
    Workload::of::<nbody::Nbody>().with_input(nbody::INPUT, "NbodyInput", "BodiesState"),
    Workload::of::<equations::Equations>().with_input(
        equations::INPUT,
        "SystemInput[]",
        "Solutions",
    ),
    Workload::of::<sha256::Hashing>().with_input(
        sha256::INPUT,
        "BytesInput | BytesInput[]",
        "Digest[]",
    ),
    Workload::of::<sort::Sort>().with_input(sort::INPUT, "SortInput", "SortOutput"),
    Workload::of::<matmul::Matmul>().with_input(matmul::INPUT, "MatmulInput", "MatrixData"),
    Workload::of::<wordcount::Wordcount>().with_input(
        wordcount::INPUT,
        "BytesInput | BytesInput[]",
        "WordCounts",
    ),
    Workload::with_input_of::<option_pricing::OptionPricing>(),
    Workload::of::<empty::Empty>(),
];

/// What a kernel returns: a checksum that proves two runs computed the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Output {
    /// Order-independent digest of the kernel's results (for `primes`, the count itself).
    pub checksum: u64,
}

/// A 64-bit finalizer (splitmix64): digests values into checksums and makes pseudo-random
/// data from indices, so any chunk's data can be made without the chunks before it.
///
/// ```
/// assert_ne!(webpar::kernels::mix(1), webpar::kernels::mix(2));
/// ```
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A 32-bit finalizer (murmur3's fmix32), easy to reproduce in JS with `Math.imul`: the
/// random source of `montecarlo_pi`, so that its JS peer draws the very same samples.
///
/// ```
/// assert_eq!(webpar::kernels::mix32(0), 0);
/// assert_ne!(webpar::kernels::mix32(1), webpar::kernels::mix32(2));
/// ```
pub fn mix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// A vector of `len` default values, allocated with `try_reserve_exact` (`too_big` makes the
/// error when it fails) and filled in chunks of 1 Mi elements by the threads of `mode` (the
/// whole of it for a part of a split job), checking for cancellation between chunks: filling
/// hundreds of MiB takes longer than a cancel may wait, and writing memory fresh from the
/// system costs a page fault per page, which threads pay side by side rather than one after
/// the other before the parallel work starts.
pub(crate) fn filled_vec<T: Clone + Default + Send>(
    len: usize,
    ctx: &Ctx,
    mode: Mode,
    too_big: impl Fn() -> Error,
) -> Result<Vec<T>, Error> {
    let mut values = Vec::new();
    values.try_reserve_exact(len).map_err(|_| too_big())?;
    sum_chunks_mut(
        ctx,
        &mut values.spare_capacity_mut()[..len],
        1 << 20,
        mode.whole(),
        |_, chunk| {
            ctx.check()?;
            for slot in chunk {
                slot.write(T::default());
            }
            Ok(0)
        },
    )?;
    // SAFETY: the capacity holds `len` elements and `sum_chunks_mut` returned Ok, so every
    // chunk of the first `len` was written above.
    unsafe { values.set_len(len) };
    Ok(values)
}

/// A uniform f64 in `[-1, 1)` made from `x`'s top 53 bits.
pub(crate) fn unit_f64(x: u64) -> f64 {
    (x >> 11) as f64 * (2.0 / (1u64 << 53) as f64) - 1.0
}

/// Digest of a slice of f64 by position: order and every bit count.
pub(crate) fn digest_f64(values: &[f64], offset: usize) -> u64 {
    values.iter().enumerate().fold(0u64, |acc, (i, v)| {
        acc.wrapping_add(mix(
            v.to_bits() ^ ((offset + i) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ))
    })
}
