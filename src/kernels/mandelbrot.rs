//! `mandelbrot`: escape-time iteration counts over a `width × height` grid.
//!
//! Uniform compute-bound work on f64 (the wasm-bindgen-rayon demo's case is 700 × 700 × 1000).
//! Chunks are runs of 256 pixels in row-major order: at the largest sizes a whole row could take
//! seconds, and cancellation is only seen between chunks. The checksum digests every pixel's
//! count together with its position, so a count moved to the wrong pixel changes it.

use super::{mix, sum_over_ranges, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
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

/// A viewport of the complex plane, rendered to RGBA pixels by [`render`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Real part of the image's center.
    pub center_re: f64,
    /// Imaginary part of the image's center.
    pub center_im: f64,
    /// Complex units per pixel (the default view is 3.2 / 700).
    pub scale: f64,
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Iterations after which a point counts as inside the set.
    pub max_iter: u32,
}

impl View {
    /// Bytes of the RGBA image.
    pub fn image_bytes(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height) * 4
    }
}

/// Renders `view` to RGBA bytes (row-major, top row first, ready for `ImageData`): points
/// inside the set are black, others are colored by their escape time. Returns the pixels and
/// the checksum of every pixel's count with its position.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::mandelbrot::{render, View}};
/// let view = View { center_re: -0.5, center_im: 0.0, scale: 0.01, width: 40, height: 30, max_iter: 200 };
/// let (rgba, checksum) = render(&view, &Ctx::new(), Mode::Parallel)?;
/// assert_eq!(rgba.len(), 40 * 30 * 4);
/// assert_eq!((rgba, checksum), render(&view, &Ctx::new(), Mode::Sequential)?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`crate::ErrorKind::OverBudget`] when the image cannot be allocated;
/// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
pub fn render(view: &View, ctx: &Ctx, mode: Mode) -> Result<(Vec<u8>, u64), Error> {
    let width = view.width as usize;
    let len = usize::try_from(view.image_bytes()).map_err(|_| image_too_big(view))?;
    let mut rgba = super::filled_vec(len, ctx, mode, || image_too_big(view))?;
    ctx.set_total(view.image_bytes() / 4);
    let left = view.center_re - view.scale * f64::from(view.width) / 2.0;
    let top = view.center_im + view.scale * f64::from(view.height) / 2.0;
    let row_bytes = (width * 4).max(1);
    let checksum = super::sum_chunks_mut(ctx, &mut rgba, row_bytes, mode, |row, pixels| {
        ctx.check()?;
        let im = top - view.scale * row as f64;
        let mut digest = 0u64;
        for (col, pixel) in pixels.chunks_exact_mut(4).enumerate() {
            let re = left + view.scale * col as f64;
            let count = escape_time(re, im, u64::from(view.max_iter));
            pixel.copy_from_slice(&color(count, u64::from(view.max_iter)));
            digest = digest.wrapping_add(pixel_digest((row * width + col) as u64, count));
        }
        ctx.checkpoint(width as u64)?;
        Ok(digest)
    })?;
    Ok((rgba, checksum))
}

/// The color of a point that escaped after `count` of `max_iter` iterations.
fn color(count: u64, max_iter: u64) -> [u8; 4] {
    if count >= max_iter {
        return [0, 0, 0, 255];
    }
    let t = (count as f64 / max_iter as f64).sqrt();
    let channel = |phase: f64| (255.0 * (0.5 + 0.5 * (6.2 * t + phase).cos())) as u8;
    [channel(3.0), channel(2.0), channel(1.0), 255]
}

fn image_too_big(view: &View) -> Error {
    Error::new(
        crate::ErrorKind::OverBudget,
        format!(
            "mandelbrot: a {} x {} image does not fit in memory; use a smaller one",
            view.width, view.height
        ),
    )
}

/// The catalogue's `mandelbrot` (its entry is `Workload::of::<Mandelbrot>()`).
pub struct Mandelbrot;

impl Kernel for Mandelbrot {
    const NAME: &'static str = "mandelbrot";
    const DESCRIPTION: &'static str =
        "Escape-time iteration counts over a width x height grid: uniform \
                      floating-point work, one row per chunk.";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec::integer("width", "pixels per row", 1, 20_000, 700),
        ParamSpec::integer("height", "rows", 1, 20_000, 700),
        ParamSpec::integer("max_iter", "iteration limit per pixel", 1, 100_000, 1_000),
    ];
    const SPLITS: bool = true;

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        let p = Params {
            width: v[0],
            height: v[1],
            max_iter: v[2],
        };
        run(&p, ctx, mode)
    }
}

/// What `mandelbrot`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "{ center: [re, im], scale (complex units per pixel), width, height, maxIter } -> { width, height, pixels: Uint8ClampedArray (RGBA, for ImageData) }";
