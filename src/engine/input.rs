//! The `input` form of the workloads: an app's own data in, the real output back.
//!
//! The web layer reads the app's values into an [`Input`] (checking every size against the
//! memory budget before it copies anything); [`Input::run`] runs the workload's kernel on it
//! in any mode and returns the [`Produced`] output with the checksum that proves every mode
//! computed the same.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::{Ctx, Mode, Workload};
use crate::kernels::equations::{self, System};
use crate::kernels::mandelbrot::{self, View};
use crate::kernels::matmul::{self, Matrix};
use crate::kernels::nbody::{self, Bodies};
use crate::kernels::sort::{self, Numbers};
use crate::kernels::wordcount::{self, WordCounts};
use crate::kernels::{primes, sha256, sum};
use crate::Error;

/// An app's data for one workload, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Numbers to sort.
    Sort(Numbers),
    /// Integers to add up.
    Sum(Numbers),
    /// Messages to hash: bytes in memory, or read slice by slice as they are hashed.
    Sha256(Vec<sha256::Message>),
    /// A viewport to render.
    Mandelbrot(View),
    /// Two matrices to multiply (`a.cols == b.rows`).
    Matmul(Matrix, Matrix),
    /// Linear systems to solve.
    Equations(Vec<System>),
    /// List the primes below this bound.
    Primes(u32),
    /// Bodies to advance by `steps` steps of `dt`.
    Nbody {
        /// The initial state.
        bodies: Bodies,
        /// Time steps.
        steps: u64,
        /// Length of a step.
        dt: f64,
    },
    /// Texts whose words to count, and how many of the most frequent words to return.
    Wordcount {
        /// The texts, as UTF-8 bytes.
        texts: Vec<Vec<u8>>,
        /// Most frequent words to return.
        top: usize,
    },
    /// The app's data for the input form of a workload another crate registered
    /// ([`crate::engine::InputKernel`]), read by [`crate::engine::Workload::read_input`].
    Custom(CustomInput),
}

/// The app's data for a registered workload's input form, of the type its
/// [`crate::engine::InputKernel::Input`] says (shared, not copied, between the runs of a
/// job).
#[derive(Clone)]
pub struct CustomInput {
    workload: &'static Workload,
    data: Arc<dyn Any + Send + Sync>,
}

impl CustomInput {
    pub(crate) fn new(
        workload: &'static Workload,
        data: Arc<dyn Any + Send + Sync>,
    ) -> CustomInput {
        CustomInput { workload, data }
    }

    /// The data, for the workload's kernel to downcast.
    pub(crate) fn data(&self) -> &dyn Any {
        &*self.data
    }
}

impl std::fmt::Debug for CustomInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomInput({})", self.workload.name)
    }
}

impl PartialEq for CustomInput {
    /// The same data of the same workload (not equal contents: the type need not compare).
    fn eq(&self, other: &CustomInput) -> bool {
        std::ptr::eq(self.workload, other.workload) && Arc::ptr_eq(&self.data, &other.data)
    }
}

/// The output of a registered workload's input form, written by serde (as a JS value, at
/// the web boundary).
#[derive(Clone)]
pub struct CustomOutput(Arc<dyn erased_serde::Serialize + Send + Sync>);

impl CustomOutput {
    pub(crate) fn new(output: Arc<dyn erased_serde::Serialize + Send + Sync>) -> CustomOutput {
        CustomOutput(output)
    }
}

impl serde::Serialize for CustomOutput {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(&*self.0, serializer)
    }
}

impl std::fmt::Debug for CustomOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomOutput")
    }
}

impl PartialEq for CustomOutput {
    /// The same output (not equal contents: the type need not compare).
    fn eq(&self, other: &CustomOutput) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The real output of a run on an [`Input`].
#[derive(Debug, Clone, PartialEq)]
pub enum Produced {
    /// The numbers, sorted ascending, in their input type.
    Sorted(Numbers),
    /// The sum of the integers (wrapping at 2^64).
    Total(i64),
    /// One SHA-256 digest per message.
    Digests(Vec<[u8; 32]>),
    /// RGBA pixels, row-major.
    Image {
        /// Pixels per row.
        width: u32,
        /// Rows.
        height: u32,
        /// `width × height × 4` bytes.
        rgba: Vec<u8>,
    },
    /// The product matrix.
    Product(Matrix),
    /// One solution per system; `None` for a singular one.
    Solutions(Vec<Option<Vec<f64>>>),
    /// The primes, ascending.
    Primes(Vec<u32>),
    /// The bodies after the steps.
    Bodies(Bodies),
    /// Word counts.
    Words(WordCounts),
    /// The output of a registered workload's input form.
    Custom(CustomOutput),
}

impl Produced {
    /// Bytes of the output's arrays (what copying it out of wasm memory moves); 0 for a
    /// registered workload's output, whose size only serde sees.
    pub fn bytes(&self) -> u64 {
        let floats = |n: usize| n as u64 * 8;
        match self {
            Produced::Sorted(values) => values.len() as u64 * values.element_bytes(),
            Produced::Total(_) => 8,
            Produced::Digests(digests) => digests.len() as u64 * 32,
            Produced::Image { rgba, .. } => rgba.len() as u64,
            Produced::Product(m) => floats(m.data.len()),
            Produced::Solutions(solutions) => solutions
                .iter()
                .map(|s| s.as_ref().map_or(0, |x| floats(x.len())))
                .sum(),
            Produced::Primes(primes) => primes.len() as u64 * 4,
            Produced::Bodies(bodies) => floats(bodies.positions.len() * 6),
            Produced::Words(counts) => counts.top.iter().map(|(w, _)| w.len() as u64 + 8).sum(),
            Produced::Custom(_) => 0,
        }
    }
}

impl Input {
    /// The workload this input is for.
    pub fn workload(&self) -> &'static str {
        match self {
            Input::Sort(_) => "sort",
            Input::Sum(_) => "sum",
            Input::Sha256(_) => "sha256",
            Input::Mandelbrot(_) => "mandelbrot",
            Input::Matmul(..) => "matmul",
            Input::Equations(_) => "equations",
            Input::Primes(_) => "primes",
            Input::Nbody { .. } => "nbody",
            Input::Wordcount { .. } => "wordcount",
            Input::Custom(custom) => custom.workload.name,
        }
    }

    /// Bytes a run allocates beside the input itself: working buffers and the output.
    pub fn working_bytes(&self) -> u64 {
        match self {
            Input::Sort(values) => {
                let len = values.len() as u64;
                sort::numbers_memory_bytes(len) + len * values.element_bytes()
            }
            Input::Sum(_) => 0,
            Input::Sha256(messages) => messages.len() as u64 * 32,
            Input::Mandelbrot(view) => view.image_bytes(),
            Input::Matmul(a, b) => (a.rows as u64) * (b.cols as u64) * 8,
            Input::Equations(systems) => systems
                .iter()
                .map(|s| (s.size as u64 + 2) * s.size as u64 * 8)
                .sum(),
            Input::Primes(below) => primes::list_memory_bytes(u64::from(*below)),
            Input::Nbody { bodies, .. } => bodies.masses.len() as u64 * 80,
            Input::Wordcount { texts, .. } => texts.iter().map(|t| t.len() as u64 * 2).sum(),
            Input::Custom(custom) => custom.workload.custom_memory_bytes(custom),
        }
    }

    /// Sizes of the input, for reports (e.g. `{ "n": 1000 }` for `sort`).
    pub fn sizes(&self) -> BTreeMap<&'static str, u64> {
        let pairs: Vec<(&'static str, u64)> = match self {
            Input::Sort(values) | Input::Sum(values) => vec![("n", values.len() as u64)],
            Input::Sha256(messages) => vec![
                ("messages", messages.len() as u64),
                ("bytes", messages.iter().map(sha256::Message::len).sum()),
            ],
            Input::Mandelbrot(view) => vec![
                ("width", u64::from(view.width)),
                ("height", u64::from(view.height)),
                ("max_iter", u64::from(view.max_iter)),
            ],
            Input::Matmul(a, b) => vec![
                ("rows", a.rows as u64),
                ("inner", a.cols as u64),
                ("cols", b.cols as u64),
            ],
            Input::Equations(systems) => vec![("systems", systems.len() as u64)],
            Input::Primes(below) => vec![("below", u64::from(*below))],
            Input::Nbody { bodies, steps, .. } => {
                vec![("bodies", bodies.masses.len() as u64), ("steps", *steps)]
            }
            Input::Wordcount { texts, top } => vec![
                ("texts", texts.len() as u64),
                ("bytes", texts.iter().map(|t| t.len() as u64).sum()),
                ("top", *top as u64),
            ],
            Input::Custom(_) => Vec::new(),
        };
        pairs.into_iter().collect()
    }

    /// Runs the workload's kernel on this input in `mode`; returns the output and its
    /// checksum.
    ///
    /// ```
    /// use webpar::engine::{Ctx, Input, Mode, Produced};
    /// let (out, _) = Input::Primes(20).run(&Ctx::new(), Mode::Parallel)?;
    /// assert_eq!(out, Produced::Primes(vec![2, 3, 5, 7, 11, 13, 17, 19]));
    /// # Ok::<(), webpar::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::OverBudget`] when a buffer cannot be allocated;
    /// [`crate::ErrorKind::Aborted`] or [`crate::ErrorKind::Timeout`] when cancelled.
    pub fn run(&self, ctx: &Ctx, mode: Mode) -> Result<(Produced, u64), Error> {
        Ok(match self {
            Input::Sort(values) => {
                let mut sorted = values.clone();
                let checksum = sort::sort_numbers(&mut sorted, ctx, mode)?;
                (Produced::Sorted(sorted), checksum)
            }
            Input::Sum(values) => {
                let total = sum::total(values, ctx, mode)?;
                (Produced::Total(total), total as u64)
            }
            Input::Sha256(messages) => {
                let (digests, checksum) = sha256::digests(messages, ctx, mode)?;
                (Produced::Digests(digests), checksum)
            }
            Input::Mandelbrot(view) => {
                let (rgba, checksum) = mandelbrot::render(view, ctx, mode)?;
                let (width, height) = (view.width, view.height);
                (
                    Produced::Image {
                        width,
                        height,
                        rgba,
                    },
                    checksum,
                )
            }
            Input::Matmul(a, b) => {
                let (product, checksum) = matmul::product(a, b, ctx, mode)?;
                (Produced::Product(product), checksum)
            }
            Input::Equations(systems) => {
                let (solutions, checksum) = equations::solve_systems(systems, ctx, mode)?;
                (Produced::Solutions(solutions), checksum)
            }
            Input::Primes(below) => {
                let (list, count) = primes::list(*below, ctx, mode)?;
                (Produced::Primes(list), count)
            }
            Input::Nbody { bodies, steps, dt } => {
                let mut state = bodies.clone();
                let checksum = nbody::simulate(&mut state, *steps, *dt, ctx, mode)?;
                (Produced::Bodies(state), checksum)
            }
            Input::Wordcount { texts, top } => {
                let (counts, checksum) = wordcount::count_top(texts, *top, ctx, mode)?;
                (Produced::Words(counts), checksum)
            }
            Input::Custom(custom) => {
                let (output, checksum) = custom.workload.run_custom(custom, ctx, mode)?;
                (Produced::Custom(output), checksum)
            }
        })
    }
}
