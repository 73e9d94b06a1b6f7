//! `mandelbrot`: escape-time iteration counts over a `width × height` grid.
//!
//! Uniform compute-bound work on f64 (the wasm-bindgen-rayon demo's case is 700 × 700 × 1000).
//! Chunks are runs of 256 pixels in row-major order: at the largest sizes a whole row could take
//! seconds, and cancellation is only seen between chunks. The checksum digests every pixel's
//! count together with its position, so a count moved to the wrong pixel changes it.

use super::{mix, sum_over_ranges, Output};
use crate::engine::{Ctx, Mode};
use crate::Error;

/// Pixels per chunk: at most 256 × 100,000 iterations, a few tens of milliseconds.
const PIXELS_PER_CHUNK: u64 = 256;

/// The view: real part in `RE_MIN..RE_MIN + RE_SPAN`, imaginary part in
/// `IM_MIN..IM_MIN + IM_SPAN`.
pub const RE_MIN: f64 = -2.2;
/// Width of the view on the real axis.
pub const RE_SPAN: f64 = 3.2;
/// Bottom of the view on the imaginary axis.
pub const IM_MIN: f64 = -1.2;
/// Height of the view on the imaginary axis.
pub const IM_SPAN: f64 = 2.4;

/// Parameters of `mandelbrot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Pixels per row.
    pub width: u64,
    /// Rows.
    pub height: u64,
    /// Iterations after which a point counts as inside the set.
    pub max_iter: u64,
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::mandelbrot};
/// let p = mandelbrot::Params { width: 64, height: 48, max_iter: 100 };
/// let ctx = Ctx::new();
/// assert_eq!(mandelbrot::sequential(&p, &ctx)?, mandelbrot::parallel(&p, &ctx)?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    // Progress is counted in pixels.
    let pixels = params.width * params.height;
    let checksum = sum_over_ranges(pixels, PIXELS_PER_CHUNK, mode, ctx, |range| {
        range.fold(0u64, |acc, pixel| {
            let (row, col) = (pixel / params.width, pixel % params.width);
            let re = RE_MIN + RE_SPAN * col as f64 / params.width as f64;
            let im = IM_MIN + IM_SPAN * row as f64 / params.height as f64;
            let count = escape_time(re, im, params.max_iter);
            acc.wrapping_add(pixel_digest(pixel, count))
        })
    })?;
    Ok(Output { checksum })
}

/// Iterations of `z = z² + c` before `|z| > 2`, at most `max_iter`.
///
/// ```
/// use webpar::kernels::mandelbrot::escape_time;
/// assert_eq!(escape_time(0.0, 0.0, 50), 50); // inside the set
/// assert_eq!(escape_time(2.0, 2.0, 50), 1); // escapes at once
/// ```
pub fn escape_time(re: f64, im: f64, max_iter: u64) -> u64 {
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let mut count = 0;
    while count < max_iter {
        let (x2, y2) = (x * x, y * y);
        if x2 + y2 > 4.0 {
            break;
        }
        y = 2.0 * x * y + im;
        x = x2 - y2 + re;
        count += 1;
    }
    count
}

/// Digest of one pixel (its index in row-major order) and its count.
pub fn pixel_digest(pixel: u64, count: u64) -> u64 {
    mix(pixel.wrapping_mul(0x1_0000_0001) ^ count)
}
