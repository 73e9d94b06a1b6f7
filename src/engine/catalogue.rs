//! The catalogue of workloads: names, descriptions, parameters with ranges and defaults.
//!
//! The catalogue is data: the JS layer serializes it for `Runner.workloads()`, the page builds
//! its form from it, and validation ([`crate::engine::JobSpec`]) checks input against it.
//!
//! It is also the extension point: a crate that depends on webpar adds a workload by
//! implementing [`Kernel`] and calling [`register`] with `Workload::of::<ItsKernel>()`; the
//! workload then appears in `workloads()`, `run`, `submit`, `map`, `compare`, `sweep`, the
//! bench and the page's form, exactly like the built-in ones (see `examples/levenshtein`).

use std::sync::Mutex;

use serde::Serialize;

use crate::engine::{spin_lock, Ctx, Mode};
use crate::kernels::{self, Output};
use crate::{Error, ErrorKind};

/// One integer parameter of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    /// The key users pass, e.g. `"below"`.
    pub name: &'static str,
    /// Always `"integer"` for now: whole numbers within `min..=max`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What the parameter means.
    pub description: &'static str,
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value (the memory budget may still refuse large sizes).
    pub max: u64,
    /// The value the demo page starts with.
    pub default: u64,
}

/// A runnable workload of the catalogue.
#[derive(Debug, Serialize)]
pub struct Workload {
    /// Unique name, e.g. `"primes"`.
    pub name: &'static str,
    /// One sentence on what it computes and what limits its speedup.
    pub description: &'static str,
    /// Its parameters, in the order `run` receives their values.
    pub params: &'static [ParamSpec],
    /// What the `input` form takes and returns (`{ input: ... }` instead of the params), or
    /// `None` when the workload only runs on generated data.
    pub input: Option<&'static str>,
    /// Whether a job splits across isolated workers (the processes backend): its kernel is
    /// one chunked pass whose chunks' checksums add up ([`Mode::Part`]). A workload that
    /// needs all its data at every step (sort's merges, nbody's steps) runs whole on one
    /// worker there instead.
    pub splits: bool,
    #[serde(skip)]
    memory: fn(&[u64]) -> u64,
    #[serde(skip)]
    kernel: fn(&[u64], &Ctx, Mode) -> Result<Output, Error>,
}

/// A workload defined by a type: its name, what it does, its parameters, its memory and its
/// kernel. `Workload::of::<K>()` turns it into a catalogue entry for [`register`].
///
/// The kernel gets the validated parameter values (one per [`Kernel::PARAMS`] entry, in
/// order), a [`Ctx`] to report progress and see cancellation through
/// ([`Ctx::checkpoint`] between chunks), and the [`Mode`] to run in. It must give the same
/// checksum in every mode: split the work into chunks that do not depend on the thread count
/// ([`crate::kernels::sum_over_ranges`] does that), and never panic (a panic traps every
/// thread of a wasm instance).
///
/// ```
/// use webpar::engine::{Ctx, Kernel, Mode, ParamSpec, Workload};
/// use webpar::kernels::{sum_over_ranges, Output};
///
/// /// Adds up the squares of 0..n.
/// struct Squares;
/// impl Kernel for Squares {
///     const NAME: &'static str = "squares";
///     const DESCRIPTION: &'static str = "Adds up the squares of 0..n.";
///     const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer("n", "numbers", 1, 1 << 30, 1000)];
///     fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, webpar::Error> {
///         let checksum = sum_over_ranges(values[0], 4096, mode, ctx, |range| {
///             range.fold(0u64, |acc, k| acc.wrapping_add(k * k))
///         })?;
///         Ok(Output { checksum })
///     }
/// }
/// static SQUARES: Workload = Workload::of::<Squares>();
/// webpar::engine::register(&SQUARES)?;
/// let spec = webpar::engine::JobSpec::parse("squares", &[("n".into(), webpar::engine::RawValue::Number(4.0))])?;
/// assert_eq!(spec.run(&Ctx::new(), Mode::Parallel)?.1, 14);
/// # Ok::<(), webpar::Error>(())
/// ```
pub trait Kernel {
    /// Unique name, e.g. `"primes"`: lower case, digits and `_`.
    const NAME: &'static str;
    /// One sentence on what it computes and what limits its speedup.
    const DESCRIPTION: &'static str;
    /// Its parameters, in the order [`Kernel::run`] receives their values.
    const PARAMS: &'static [ParamSpec];
    /// Whether [`Kernel::run`] is one chunked pass (one [`crate::kernels::sum_over_ranges`])
    /// whose checksum is the sum of its chunks': then a job splits across isolated workers,
    /// each running [`Mode::Part`] of it. False by default: the job runs whole on one worker.
    const SPLITS: bool = false;

    /// Bytes of memory a run with these (validated) values allocates, checked against the
    /// memory budget before it starts; 0 by default.
    fn memory_bytes(_values: &[u64]) -> u64 {
        0
    }

    /// Runs the kernel on validated values in `mode`.
    ///
    /// # Errors
    /// Cancellation (from [`Ctx::checkpoint`]), or [`ErrorKind::OverBudget`] when an
    /// allocation fails.
    fn run(values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error>;
}

impl ParamSpec {
    /// A whole-number parameter in `min..=max` with a default.
    pub const fn integer(
        name: &'static str,
        description: &'static str,
        min: u64,
        max: u64,
        default: u64,
    ) -> ParamSpec {
        ParamSpec {
            name,
            kind: "integer",
            description,
            min,
            max,
            default,
        }
    }
}

impl Workload {
    /// The catalogue entry of a [`Kernel`] (without an `input` form).
    pub const fn of<K: Kernel>() -> Workload {
        Workload {
            name: K::NAME,
            description: K::DESCRIPTION,
            params: K::PARAMS,
            input: None,
            splits: K::SPLITS,
            memory: K::memory_bytes,
            kernel: K::run,
        }
    }

    /// Bytes of memory a run with these (validated) values allocates.
    pub fn memory_bytes(&self, values: &[u64]) -> u64 {
        (self.memory)(values)
    }

    /// Runs the kernel with validated values, in `mode`.
    ///
    /// # Errors
    /// Whatever the kernel returns: cancellation, or [`crate::ErrorKind::OverBudget`] when an
    /// allocation fails.
    pub fn run(&self, values: &[u64], ctx: &Ctx, mode: Mode) -> Result<Output, Error> {
        (self.kernel)(values, ctx, mode)
    }
}

fn no_memory(_: &[u64]) -> u64 {
    0
}

/// Every workload, in the order the page lists them.
pub static WORKLOADS: &[Workload] = &[
    Workload {
        name: "countdown",
        description: "A dependent chain of n integer steps, split into independent chains: \
                      pure CPU, no memory traffic (Python's GIL example).",
        params: &[ParamSpec::integer("n", "steps in total", 1, 1 << 40, 100_000_000)],
        input: None,
        splits: true,
        memory: no_memory,
        kernel: |v, ctx, mode| {
            let p = kernels::countdown::Params { n: v[0] };
            kernels::countdown::run(&p, ctx, mode)
        },
    },
    Workload {
        name: "sum",
        description: "Builds an array of n u64 ones in wasm memory and adds it up: \
                      memory-bound, so memory bandwidth limits the speedup.",
        params: &[ParamSpec::integer(
            "n",
            "array length (8 bytes each)",
            1,
            1 << 36,
            25_000_000,
        )],
        input: Some(
            "Int32Array | Uint32Array | BigInt64Array | BigUint64Array -> { sum: bigint } \
             (wrapping at 2^64)",
        ),
        splits: true,
        memory: |v| kernels::sum::memory_bytes(&kernels::sum::Params { n: v[0] }),
        kernel: |v, ctx, mode| {
            let p = kernels::sum::Params { n: v[0] };
            kernels::sum::run(&p, ctx, mode)
        },
    },
    Workload {
        name: "primes",
        description: "Counts the primes below a bound by trial division: compute-bound with \
                      uneven work per number, balanced by work stealing.",
        params: &[ParamSpec::integer(
            "below",
            "count primes in 0..below",
            0,
            1_000_000_000,
            6_000_000,
        )],
        input: Some(
            "{ below } (at most 1e9) -> { count, primes: Uint32Array }",
        ),
        splits: true,
        memory: no_memory,
        kernel: |v, ctx, mode| {
            let p = kernels::primes::Params { below: v[0] };
            kernels::primes::run(&p, ctx, mode)
        },
    },
    Workload {
        name: "mandelbrot",
        description: "Escape-time iteration counts over a width x height grid: uniform \
                      floating-point work, one row per chunk.",
        params: &[
            ParamSpec::integer("width", "pixels per row", 1, 20_000, 700),
            ParamSpec::integer("height", "rows", 1, 20_000, 700),
            ParamSpec::integer("max_iter", "iteration limit per pixel", 1, 100_000, 1_000),
        ],
        input: Some(
            "{ center: [re, im], scale (complex units per pixel), width, height, maxIter } -> { width, height, pixels: Uint8ClampedArray (RGBA, for ImageData) }",
        ),
        splits: true,
        memory: no_memory,
        kernel: |v, ctx, mode| {
            let p = kernels::mandelbrot::Params {
                width: v[0],
                height: v[1],
                max_iter: v[2],
            };
            kernels::mandelbrot::run(&p, ctx, mode)
        },
    },
    Workload {
        name: "montecarlo_pi",
        description: "Estimates pi from random points in the unit square (4 x the share \
                      inside the quarter circle): uniform compute-bound work.",
        params: &[ParamSpec::integer(
            "samples",
            "random points",
            1,
            100_000_000_000,
            50_000_000,
        )],
        input: None,
        splits: true,
        memory: no_memory,
        kernel: |v, ctx, mode| {
            kernels::montecarlo_pi::run(
                &kernels::montecarlo_pi::Params { samples: v[0] },
                ctx,
                mode,
            )
        },
    },
    Workload {
        name: "nbody",
        description: "Steps bodies under softened gravity, O(n^2) force sums per step in \
                      parallel: compute-bound floating point.",
        params: &[
            ParamSpec::integer("bodies", "number of bodies", 1, 100_000, 2_000),
            ParamSpec::integer("steps", "time steps", 1, 100_000, 20),
        ],
        input: Some(
            "{ positions: Float64Array (x, y, z per body), velocities: Float64Array, masses: Float64Array, steps, dt? (default 0.001) } -> { positions, velocities }",
        ),
        splits: false,
        memory: |v| {
            kernels::nbody::memory_bytes(&kernels::nbody::Params {
                bodies: v[0],
                steps: v[1],
            })
        },
        kernel: |v, ctx, mode| {
            kernels::nbody::run(
                &kernels::nbody::Params {
                    bodies: v[0],
                    steps: v[1],
                },
                ctx,
                mode,
            )
        },
    },
    Workload {
        name: "equations",
        description: "Solves many random dense linear systems by Gaussian elimination with \
                      partial pivoting, one system per task (the \"100 equations\" example).",
        params: &[
            ParamSpec::integer("systems", "independent systems", 1, 1_000_000, 100),
            ParamSpec::integer("size", "unknowns per system", 1, 1_000, 300),
        ],
        input: Some(
            "[{ matrix: Float64Array (n x n, row-major), rhs: Float64Array (n) }, ...] -> { solutions: (Float64Array | null)[] (null: singular), singular: number[] }",
        ),
        splits: true,
        memory: |v| {
            kernels::equations::memory_bytes(&kernels::equations::Params {
                systems: v[0],
                size: v[1],
            })
        },
        kernel: |v, ctx, mode| {
            kernels::equations::run(
                &kernels::equations::Params {
                    systems: v[0],
                    size: v[1],
                },
                ctx,
                mode,
            )
        },
    },
    Workload {
        name: "sha256",
        description: "SHA-256 of many generated blocks (the sha2 crate): compute-bound hashing.",
        params: &[
            ParamSpec::integer("blocks", "number of blocks", 1, 1_000_000_000, 50_000),
            ParamSpec::integer("block_bytes", "bytes per block", 1, 1 << 20, 4_096),
        ],
        input: Some(
            "ArrayBuffer | ArrayBufferView | Blob | File, or an array of them -> [{ hex, bytes: Uint8Array }] (one digest per item)",
        ),
        splits: true,
        memory: |v| {
            kernels::sha256::memory_bytes(&kernels::sha256::Params {
                blocks: v[0],
                block_bytes: v[1],
            })
        },
        kernel: |v, ctx, mode| {
            kernels::sha256::run(
                &kernels::sha256::Params {
                    blocks: v[0],
                    block_bytes: v[1],
                },
                ctx,
                mode,
            )
        },
    },
    Workload {
        name: "sort",
        description: "Sorts n pseudo-random u64 (chunked merge sort): memory-bound, so memory \
                      bandwidth limits the speedup.",
        params: &[ParamSpec::integer(
            "n",
            "elements (16 bytes each with the merge buffer)",
            1,
            1 << 32,
            5_000_000,
        )],
        input: Some(
            "Float64Array | Float32Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array -> the same type, sorted ascending (NaN last, -0 before +0)",
        ),
        splits: false,
        memory: |v| kernels::sort::memory_bytes(&kernels::sort::Params { n: v[0] }),
        kernel: |v, ctx, mode| kernels::sort::run(&kernels::sort::Params { n: v[0] }, ctx, mode),
    },
    Workload {
        name: "matmul",
        description: "Multiplies two n x n f64 matrices, blocked for the cache: compute- and \
                      memory-bound.",
        params: &[ParamSpec::integer("n", "rows and columns", 1, 8_192, 1_024)],
        input: Some(
            "{ a: { data: Float64Array, rows, cols }, b: { data, rows, cols } } (a.cols == b.rows) -> { data: Float64Array, rows, cols }",
        ),
        splits: true,
        memory: |v| kernels::matmul::memory_bytes(&kernels::matmul::Params { n: v[0] }),
        kernel: |v, ctx, mode| {
            kernels::matmul::run(&kernels::matmul::Params { n: v[0] }, ctx, mode)
        },
    },
    Workload {
        name: "wordcount",
        description: "Counts the words of generated text and finds the most frequent ones, \
                      one piece of text per task, then merges the counts: hashing-bound.",
        params: &[ParamSpec::integer(
            "words",
            "words of generated text",
            1,
            1_000_000_000,
            2_000_000,
        )],
        input: Some(
            "string | Blob | File, or an array of them; optional top (default 10, at most \
             10000) beside input -> { perInput: number[], total, distinct, top: [{ word, count }] }",
        ),
        splits: false,
        memory: |v| kernels::wordcount::memory_bytes(&kernels::wordcount::Params { words: v[0] }),
        kernel: |v, ctx, mode| {
            kernels::wordcount::generated(&kernels::wordcount::Params { words: v[0] }, ctx, mode)
        },
    },
    Workload {
        name: "empty",
        description: "No work at all: its time is the cost of a job's round trip (validation, \
                      hand-off to the pool, result back to the caller).",
        params: &[],
        input: None,
        splits: false,
        memory: no_memory,
        kernel: |_, _, _| Ok(Output { checksum: 0 }),
    },
];

/// Workloads added with [`register`], after the built-in ones.
static REGISTERED: Mutex<Vec<&'static Workload>> = Mutex::new(Vec::new());

/// Adds a workload to the catalogue (see [`Kernel`]). Registering the same entry again does
/// nothing.
///
/// # Errors
/// [`ErrorKind::InvalidParams`] for a name that is taken or not lower case letters, digits
/// and `_`, or a parameter whose range is empty or whose default is outside it.
pub fn register(workload: &'static Workload) -> Result<(), Error> {
    let name_ok = !workload.name.is_empty()
        && workload
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !name_ok {
        return Err(Error::invalid(format!(
            "workload name {:?}: use lower case letters, digits and _",
            workload.name
        )));
    }
    if let Some(param) = workload
        .params
        .iter()
        .find(|p| p.min > p.max || !(p.min..=p.max).contains(&p.default))
    {
        return Err(Error::invalid(format!(
            "workload {:?}: param {:?} needs min <= default <= max, got {} <= {} <= {}",
            workload.name, param.name, param.min, param.default, param.max
        )));
    }
    let mut registered = spin_lock(&REGISTERED);
    let known = WORKLOADS.iter().chain(registered.iter().copied());
    if let Some(existing) = known.into_iter().find(|w| w.name == workload.name) {
        if std::ptr::eq(existing, workload) {
            return Ok(());
        }
        return Err(Error::invalid(format!(
            "a workload named {:?} is in the catalogue already",
            workload.name
        )));
    }
    registered.push(workload);
    Ok(())
}

/// Every workload: the built-in ones, then the registered ones, in order.
pub fn workloads() -> Vec<&'static Workload> {
    let registered = spin_lock(&REGISTERED).clone();
    WORKLOADS.iter().chain(registered).collect()
}

/// Finds a workload by name.
///
/// ```
/// assert_eq!(webpar::engine::find_workload("primes").unwrap().params[0].name, "below");
/// assert!(webpar::engine::find_workload("nope").is_err());
/// ```
///
/// # Errors
/// [`crate::ErrorKind::UnknownWorkload`], naming the workloads there are.
pub fn find_workload(name: &str) -> Result<&'static Workload, Error> {
    if let Some(workload) = WORKLOADS.iter().find(|workload| workload.name == name) {
        return Ok(workload);
    }
    let found = spin_lock(&REGISTERED)
        .iter()
        .copied()
        .find(|workload| workload.name == name);
    found.ok_or_else(|| {
        let names: Vec<&str> = workloads().iter().map(|w| w.name).collect();
        Error::new(
            ErrorKind::UnknownWorkload,
            format!(
                "unknown workload {name:?}: choose one of {}",
                names.join(", ")
            ),
        )
    })
}
