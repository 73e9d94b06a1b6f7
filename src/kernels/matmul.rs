//! `matmul`: the product of two `n × n` f64 matrices, blocked for the cache.
//!
//! Memory- and compute-bound. Rows of the result are split into blocks of 64 (the parallel
//! unit); within a block, 64-column tiles of the result stay in cache while the inner
//! dimension streams through in 64-wide slabs. Every entry's sum runs in the same order in
//! every mode, so the result is bit-identical. The checksum digests every entry's bits.

use super::{digest_f64, filled_vec, sum_chunks_mut, Output};
use super::{Ctx, Kernel, Mode, ParamSpec};
use crate::{Error, ErrorKind};

/// Rows per block and columns per tile.
const TILE: usize = 64;

/// Parameters of `matmul`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Rows and columns of each matrix.
    pub n: u64,
}

/// Bytes of the three matrices.
pub fn memory_bytes(params: &Params) -> u64 {
    params.n.saturating_mul(params.n).saturating_mul(24)
}

/// Entry `(i, j)` of the left matrix; the right one is its transpose's mirror.
pub fn left_entry(i: usize, j: usize) -> f64 {
    ((i * 7 + j * 13) % 17) as f64 / 17.0 - 0.5
}

/// Entry `(i, j)` of the right matrix.
pub fn right_entry(i: usize, j: usize) -> f64 {
    ((i * 11 + j * 5) % 19) as f64 / 19.0 - 0.5
}

modes!();

/// Runs the kernel in `mode`.
///
/// ```
/// use webpar::{engine::Ctx, kernels::matmul};
/// let p = matmul::Params { n: 100 };
/// assert_eq!(matmul::sequential(&p, &Ctx::new())?, matmul::parallel(&p, &Ctx::new())?);
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the matrices cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn run(params: &Params, ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
    let n = usize::try_from(params.n).map_err(|_| too_big(params))?;
    // A part of a job split across processes makes both operands whole: it has no one to
    // share them with.
    let a = matrix(n, params, ctx, mode.whole(), left_entry)?;
    let b = matrix(n, params, ctx, mode.whole(), right_entry)?;
    let len = n.checked_mul(n).ok_or_else(|| too_big(params))?;
    let mut c = filled_vec(len, ctx, mode, || too_big(params))?;
    let tiles = n.div_ceil(TILE) as u64;
    // Progress: one unit per tile of the result.
    ctx.set_total(tiles * tiles);
    let checksum = sum_chunks_mut(ctx, &mut c, TILE * n.max(1), mode, |block, rows| {
        for col in (0..n).step_by(TILE) {
            ctx.check()?;
            let shape = Shape { inner: n, cols: n };
            multiply_tile(&a, &b, shape, block * TILE, rows, col..(col + TILE).min(n));
            ctx.checkpoint(1)?;
        }
        Ok(digest_f64(rows, block * TILE * n))
    })?;
    Ok(Output { checksum })
}

/// The inner dimension of a product (columns of `a`, rows of `b`) and its columns.
#[derive(Debug, Clone, Copy)]
struct Shape {
    inner: usize,
    cols: usize,
}

/// Adds `a · b` into the columns `cols` of `rows`, the result rows from `first_row` on.
fn multiply_tile(
    a: &[f64],
    b: &[f64],
    shape: Shape,
    first_row: usize,
    rows: &mut [f64],
    cols: std::ops::Range<usize>,
) {
    let Shape {
        inner: depth,
        cols: n,
    } = shape;
    for slab in (0..depth).step_by(TILE) {
        let inner = slab..(slab + TILE).min(depth);
        for (r, row) in rows.chunks_exact_mut(n).enumerate() {
            let a_row = &a[(first_row + r) * depth..][..depth];
            let out = &mut row[cols.clone()];
            for k in inner.clone() {
                let factor = a_row[k];
                let b_row = &b[k * n..][cols.clone()];
                for (o, &bv) in out.iter_mut().zip(b_row) {
                    *o += factor * bv;
                }
            }
        }
    }
}

/// The `n × n` matrix of `entry`, built a block of rows at a time in `mode`.
fn matrix(
    n: usize,
    params: &Params,
    ctx: &Ctx,
    mode: Mode,
    entry: fn(usize, usize) -> f64,
) -> Result<Vec<f64>, Error> {
    let len = n.checked_mul(n).ok_or_else(|| too_big(params))?;
    let mut values = filled_vec(len, ctx, mode, || too_big(params))?;
    sum_chunks_mut(ctx, &mut values, TILE * n.max(1), mode, |block, rows| {
        ctx.check()?;
        for (r, row) in rows.chunks_exact_mut(n).enumerate() {
            for (j, value) in row.iter_mut().enumerate() {
                *value = entry(block * TILE + r, j);
            }
        }
        Ok(0)
    })?;
    Ok(values)
}

/// A row-major matrix of f64.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// `rows × cols` entries, row after row.
    pub data: Vec<f64>,
}

/// The product `a · b` of an app's matrices (`a.cols == b.rows`, checked by the caller), with
/// the same blocked loops as [`run`], and the checksum of every entry's bits.
///
/// ```
/// use webpar::{engine::{Ctx, Mode}, kernels::matmul::{product, Matrix}};
/// let a = Matrix { rows: 2, cols: 3, data: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0] };
/// let b = Matrix { rows: 3, cols: 1, data: vec![1.0, 0.0, -1.0] };
/// let (c, _) = product(&a, &b, &Ctx::new(), Mode::Parallel)?;
/// assert_eq!((c.rows, c.cols, c.data), (2, 1, vec![-2.0, -2.0]));
/// # Ok::<(), webpar::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::OverBudget`] when the result cannot be allocated; [`ErrorKind::Aborted`] or
/// [`ErrorKind::Timeout`] when cancelled.
pub fn product(a: &Matrix, b: &Matrix, ctx: &Ctx, mode: Mode) -> Result<(Matrix, u64), Error> {
    let (m, n) = (a.rows, b.cols);
    let shape = Shape {
        inner: a.cols,
        cols: n,
    };
    let too_big = || {
        Error::new(
            ErrorKind::OverBudget,
            format!("matmul: a {m} x {n} product does not fit in memory; use smaller matrices"),
        )
    };
    let len = m.checked_mul(n).ok_or_else(too_big)?;
    let mut data = filled_vec(len, ctx, mode, too_big)?;
    if n == 0 {
        return Ok((
            Matrix {
                rows: m,
                cols: n,
                data,
            },
            0,
        ));
    }
    ctx.set_total((m.div_ceil(TILE) * n.div_ceil(TILE)) as u64);
    let checksum = sum_chunks_mut(ctx, &mut data, TILE * n, mode, |block, rows| {
        for col in (0..n).step_by(TILE) {
            ctx.check()?;
            multiply_tile(
                &a.data,
                &b.data,
                shape,
                block * TILE,
                rows,
                col..(col + TILE).min(n),
            );
            ctx.checkpoint(1)?;
        }
        Ok(digest_f64(rows, block * TILE * n))
    })?;
    Ok((
        Matrix {
            rows: m,
            cols: n,
            data,
        },
        checksum,
    ))
}

fn too_big(params: &Params) -> Error {
    Error::new(
        ErrorKind::OverBudget,
        format!(
            "matmul: three {0} x {0} matrices ({1} MiB) do not fit in memory; use a smaller n",
            params.n,
            memory_bytes(params) >> 20
        ),
    )
}

/// The catalogue's `matmul` (its entry is `Workload::of::<Matmul>()`).
pub struct Matmul;

impl Kernel for Matmul {
    const NAME: &'static str = "matmul";
    const DESCRIPTION: &'static str =
        "Multiplies two n x n f64 matrices, blocked for the cache: compute- and \
                      memory-bound.";
    const PARAMS: &'static [ParamSpec] =
        &[ParamSpec::integer("n", "rows and columns", 1, 8_192, 1_024)];
    const SPLITS: bool = true;

    fn memory_bytes(v: &[u64]) -> u64 {
        memory_bytes(&Params { n: v[0] })
    }

    fn run(v: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        run(&Params { n: v[0] }, ctx, mode)
    }
}

/// What `matmul`'s `input` form takes and returns (`runner.workloads()` shows it).
pub const INPUT: &str = "{ a: { data: Float64Array, rows, cols }, b: { data, rows, cols } } (a.cols == b.rows) -> { data: Float64Array, rows, cols }";
