//! The `input` form: an app's data read into wasm memory with one copy, and the real output
//! back with one copy.
//!
//! Reading happens in two steps. [`plan`] checks the input's kinds, shapes and sizes without
//! copying anything (so `validate` can run it); [`Plan::load`] then reserves the memory in the
//! budget, which refuses an input that does not fit before a byte is copied, and copies.
//! Typed arrays, buffers and Blobs are read through the built-in getters only
//! (`src/web/snippets/data.js`), never through properties the app's object may override.

use crate::with_article;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::clock::performance_now;
use super::convert::{describe, entries, threw_while_read};
use super::errors::Failure;
use super::js::is_array;
use crate::engine::{Admission, Input, JobSpec, Produced, Workload, GLOBAL_BUDGET};
use crate::kernels::equations::System;
use crate::kernels::mandelbrot::View;
use crate::kernels::matmul::Matrix;
use crate::kernels::nbody::Bodies;
use crate::kernels::sha256::{Message, STREAM_SLICE};
use crate::kernels::sort::Numbers;
use crate::Error;

mod blob;
mod copy;
mod fields;
mod forms;
mod output;
mod split;
use blob::*;
use copy::*;
pub(super) use fields::list_items;
use fields::*;
use forms::*;
pub(super) use output::output_to_js;
pub(super) use split::split_input;

#[wasm_bindgen(module = "/src/web/snippets/data.js")]
extern "C" {
    #[wasm_bindgen(js_name = dataKind, catch)]
    fn data_kind(value: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = bytesOf, catch)]
    fn bytes_of(value: &JsValue, kind: &str) -> Result<Option<Uint8Array>, JsValue>;
    #[wasm_bindgen(js_name = copyBytes, catch)]
    fn copy_bytes(source: &Uint8Array, target: &Uint8Array) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = sizeOfBlob, catch)]
    fn size_of_blob(blob: &JsValue) -> Result<f64, JsValue>;
    #[wasm_bindgen(js_name = readBlob, catch)]
    fn read_blob(blob: &JsValue, start: f64, end: f64) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = snapshotInput, catch)]
    fn snapshot_input(input: &JsValue, max_bytes: f64, max_items: f64) -> Result<JsValue, JsValue>;
}

/// Most items in an input list (messages, texts, systems).
pub(super) const MAX_ITEMS: usize = 1 << 20;
/// Most items in one array or object of a registered workload's input (the memory budget
/// bounds it too).
const MAX_CUSTOM_ITEMS: f64 = (1u64 << 26) as f64;
/// Bytes of a Blob read per slice.
const BLOB_SLICE: f64 = STREAM_SLICE as f64;

/// The typed arrays `sort` takes.
const SORTABLE: &str = "a Float64Array, Float32Array, Int32Array, Uint32Array, BigInt64Array or \
                        BigUint64Array";
/// The typed arrays `sum` takes: integers only (a float sum depends on the order of the
/// additions, so the modes could disagree).
const SUMMABLE: &str = "an Int32Array, Uint32Array, BigInt64Array or BigUint64Array (integers)";

/// Bytes of an app's value, not copied yet.
pub(super) enum Bytes {
    /// Bytes of a typed array, DataView or buffer.
    View(Uint8Array),
    /// A string, copied as UTF-8.
    Text(String),
    /// A Blob or File of this size, read in slices.
    Blob(JsValue, f64),
}

impl Bytes {
    fn len(&self) -> u64 {
        match self {
            Bytes::View(view) => u64::from(view.length()),
            Bytes::Text(text) => text.len() as u64,
            Bytes::Blob(_, size) => *size as u64,
        }
    }
}

/// A checked input, not copied yet.
pub(super) enum Plan {
    Sort(&'static str, Uint8Array, usize),
    Sum(&'static str, Uint8Array, usize),
    Sha256(Vec<Bytes>),
    Ready(Input),
    Matmul([(Uint8Array, usize, usize); 2]),
    Equations(Vec<(usize, Uint8Array, Uint8Array)>),
    Nbody {
        positions: Uint8Array,
        velocities: Option<Uint8Array>,
        masses: Uint8Array,
        steps: u64,
        dt: f64,
    },
    Wordcount(Vec<Bytes>, usize),
    /// A registered workload's input: a snapshot of the app's value for serde to read, and
    /// the estimate of its bytes in wasm memory.
    Custom(&'static Workload, JsValue, u64),
}

/// The plan of a registered workload's input form: a snapshot of the app's value (every read
/// of the app's objects happens there, caught), its size checked against the budget.
fn custom_plan(workload: &'static Workload, input: &JsValue) -> Result<Plan, Failure> {
    let limit = GLOBAL_BUDGET.limit() as f64;
    let taken = snapshot_input(input, limit, MAX_CUSTOM_ITEMS)
        .map_err(|thrown| threw_while_read("input", thrown))?;
    let field = |key: &str| Reflect::get(&taken, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(problem) = field("problem").as_string() {
        let at = field("field").as_string().unwrap_or_else(|| "input".into());
        let message = format!(
            "{}: {at} {problem}; it takes {}",
            workload.name,
            workload.input.unwrap_or("an input")
        );
        let thrown = field("thrown");
        if field("overBudget").is_truthy() {
            return Err(Error::new(crate::ErrorKind::OverBudget, message).into());
        }
        let error = Error::invalid(message).with_param(at.as_str());
        return Err(if thrown.is_undefined() {
            error.into()
        } else {
            Failure::caused_by(error, thrown)
        });
    }
    let bytes = field("bytes").as_f64().unwrap_or(0.0) as u64;
    Ok(Plan::Custom(workload, field("value"), bytes))
}

/// Checks `input` (and the params beside it, `siblings`) for `workload` without copying.
///
/// # Errors
/// `InvalidParamsError` (with `err.param`) naming what is wrong, and the thrown value as
/// `cause` when reading the app's object threw.
pub(super) fn plan(
    workload: &'static Workload,
    input: &JsValue,
    siblings: &[(String, JsValue)],
) -> Result<Plan, Failure> {
    let name = workload.name;
    let allowed: &[&str] = if name == "wordcount" { &["top"] } else { &[] };
    if let Some((key, _)) = siblings
        .iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()))
    {
        return Err(Error::invalid(format!(
            "{name}: param {key:?} cannot be given with \"input\"{}",
            if allowed.is_empty() {
                String::new()
            } else {
                format!(" (only {})", allowed.join(", "))
            }
        ))
        .with_param(key.as_str())
        .into());
    }
    if workload.reads_input_with_serde() {
        return custom_plan(workload, input);
    }
    Ok(match name {
        "sort" => {
            let kind = kind_of(input)?;
            let size = match kind.as_str() {
                "Float64Array" | "BigInt64Array" | "BigUint64Array" => 8,
                "Float32Array" | "Int32Array" | "Uint32Array" => 4,
                _ => {
                    return Err(invalid(
                        "input",
                        format!(
                            "sort: input must be {SORTABLE}, got {}",
                            what_is(input, &kind)
                        ),
                    ))
                }
            };
            let bytes = view_of(input, &kind, "input")?;
            let len = bytes.length() as usize / size;
            non_empty(len, "input", "sort: input")?;
            Plan::Sort(static_kind(&kind), bytes, len)
        }
        "sum" => {
            let kind = kind_of(input)?;
            let size = match kind.as_str() {
                "BigInt64Array" | "BigUint64Array" => 8,
                "Int32Array" | "Uint32Array" => 4,
                _ => {
                    return Err(invalid(
                        "input",
                        format!(
                            "sum: input must be {SUMMABLE}, got {}{}",
                            what_is(input, &kind),
                            if kind.starts_with("Float") {
                                ": a float sum depends on the order of the additions, so \
                                 scale and round to integers first"
                            } else {
                                ""
                            }
                        ),
                    ))
                }
            };
            let bytes = view_of(input, &kind, "input")?;
            let len = bytes.length() as usize / size;
            non_empty(len, "input", "sum: input")?;
            Plan::Sum(static_kind(&kind), bytes, len)
        }
        "sha256" => Plan::Sha256(byte_items(input, "sha256", true)?),
        "wordcount" => {
            let top = match siblings.first() {
                Some((_, value)) => whole(value, "top", 0.0, 10_000.0)? as usize,
                None => 10,
            };
            Plan::Wordcount(byte_items(input, "wordcount", false)?, top)
        }
        "mandelbrot" => Plan::Ready(Input::Mandelbrot(viewport(input)?)),
        "primes" => {
            let fields = Fields::read(input, "primes", &["below"])?;
            let below = whole(&fields.get("below")?, "input.below", 0.0, 1e9)? as u32;
            Plan::Ready(Input::Primes(below))
        }
        "matmul" => {
            let fields = Fields::read(input, "matmul", &["a", "b"])?;
            let a = matrix_plan(&fields.get("a")?, "input.a")?;
            let b = matrix_plan(&fields.get("b")?, "input.b")?;
            if a.2 != b.1 {
                return Err(invalid(
                    "input.b",
                    format!(
                        "matmul: a is {} x {} and b is {} x {}: a's columns must equal b's rows",
                        a.1, a.2, b.1, b.2
                    ),
                ));
            }
            Plan::Matmul([a, b])
        }
        "equations" => Plan::Equations(systems_plan(input)?),
        "nbody" => nbody_plan(input)?,
        _ => {
            return Err(invalid(
                "input",
                format!(
                    "{name} has no input form: it runs on generated data only (see \
                     runner.workloads(): the workloads with an \"input\" entry take an app's \
                     data)"
                ),
            ))
        }
    })
}

impl Plan {
    /// Bytes the copy of the input takes in wasm memory.
    fn bytes(&self) -> u64 {
        match self {
            Plan::Sort(_, bytes, _) | Plan::Sum(_, bytes, _) => u64::from(bytes.length()),
            Plan::Sha256(items) => resident_while_hashed(items),
            Plan::Wordcount(items, _) => items.iter().map(Bytes::len).sum(),
            Plan::Ready(_) => 0,
            Plan::Matmul(pair) => pair.iter().map(|m| u64::from(m.0.length())).sum(),
            Plan::Equations(systems) => systems
                .iter()
                .map(|s| u64::from(s.1.length() + s.2.length()))
                .sum(),
            Plan::Nbody {
                positions, masses, ..
            } => u64::from(positions.length()) * 2 + u64::from(masses.length()),
            Plan::Custom(_, _, bytes) => *bytes,
        }
    }

    /// Bytes [`Plan::load`] copies into wasm memory: all of the input but the Blobs a pool
    /// thread reads as it hashes them (`sha256` with threads).
    fn copied_bytes(&self) -> u64 {
        match self {
            #[cfg(target_feature = "atomics")]
            Plan::Sha256(items) => items
                .iter()
                .filter(|item| !matches!(item, Bytes::Blob(..)))
                .map(Bytes::len)
                .sum(),
            #[cfg(not(target_feature = "atomics"))]
            Plan::Sha256(items) => items.iter().map(Bytes::len).sum(),
            _ => self.bytes(),
        }
    }

    /// Bytes a run allocates beside the input (as [`Input::working_bytes`] will say).
    fn working_bytes(&self) -> u64 {
        match self {
            Plan::Sort(_, bytes, len) => u64::from(bytes.length()) + *len as u64 * 16,
            Plan::Sum(..) => 0,
            Plan::Sha256(items) => items.len() as u64 * 32,
            Plan::Wordcount(items, _) => items.iter().map(Bytes::len).sum::<u64>() * 2,
            Plan::Ready(input) => input.working_bytes(),
            Plan::Matmul([a, b]) => (a.1 * b.2) as u64 * 8,
            Plan::Equations(systems) => systems.iter().map(|s| ((s.0 + 2) * s.0 * 8) as u64).sum(),
            Plan::Nbody { masses, .. } => u64::from(masses.length()) * 10,
            // Known once serde has read it: checked when the run starts.
            Plan::Custom(..) => 0,
        }
    }

    /// Reserves the input's memory in the budget, then copies the input into wasm memory.
    ///
    /// # Errors
    /// `OverBudgetError` before anything is copied when the input and the run's working
    /// memory do not fit together; the errors of reading a Blob.
    pub(super) async fn load(self, name: &str) -> Result<(JobSpec, Loaded), Failure> {
        let started = performance_now();
        let bytes = self.copied_bytes();
        let what = format!("{name} on this input");
        let admission = GLOBAL_BUDGET.admit(self.bytes(), &what)?;
        // The run reserves its working memory when it starts; check now that it will fit.
        drop(
            GLOBAL_BUDGET
                .admit(self.working_bytes(), &what)
                .map_err(|_| {
                    let total = self.bytes().saturating_add(self.working_bytes());
                    Error::new(
                        crate::ErrorKind::OverBudget,
                        format!(
                    "{what} needs {} MiB of memory (the input's copy and the run's buffers) but \
                     the budget is {} MiB; pass less data per call (runner.map splits work)",
                    total.div_ceil(1 << 20),
                    GLOBAL_BUDGET.limit() >> 20
                ),
                    )
                })?,
        );
        let input = match self {
            Plan::Ready(input) => input,
            Plan::Custom(workload, snapshot, _) => {
                workload.read_input(serde_wasm_bindgen::Deserializer::from(snapshot))?
            }
            Plan::Sort(kind, bytes, len) => Input::Sort(numbers(kind, &bytes, len)?),
            Plan::Sum(kind, bytes, len) => Input::Sum(numbers(kind, &bytes, len)?),
            Plan::Sha256(items) => Input::Sha256(messages(items).await?),
            Plan::Wordcount(items, top) => Input::Wordcount {
                texts: load_all(items).await?,
                top,
            },
            Plan::Matmul([a, b]) => Input::Matmul(matrix(&a)?, matrix(&b)?),
            Plan::Equations(systems) => Input::Equations(
                systems
                    .iter()
                    .map(|(size, matrix, rhs)| {
                        Ok(System {
                            size: *size,
                            matrix: copied(matrix, size * size)?,
                            rhs: copied(rhs, *size)?,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            ),
            Plan::Nbody {
                positions,
                velocities,
                masses,
                steps,
                dt,
            } => {
                let n = masses.length() as usize / 8;
                let triples = |bytes: &Uint8Array| -> Result<Vec<[f64; 3]>, Error> {
                    let flat: Vec<f64> = copied(bytes, 3 * n)?;
                    Ok(flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect())
                };
                Input::Nbody {
                    bodies: Bodies {
                        positions: triples(&positions)?,
                        velocities: match &velocities {
                            Some(bytes) => triples(bytes)?,
                            None => vec![[0.0; 3]; n],
                        },
                        masses: copied(&masses, n)?,
                    },
                    steps,
                    dt,
                }
            }
        };
        let loaded = Loaded {
            _admission: admission,
            copy_ms: performance_now() - started,
            bytes,
            target: None,
        };
        Ok((JobSpec::from_input(input)?, loaded))
    }
}

/// An input in wasm memory: its reservation in the budget (held until the job ends) and what
/// copying it in took.
pub(super) struct Loaded {
    _admission: Admission<'static>,
    /// Milliseconds from the start of the copy to its end (reading Blobs included).
    pub(super) copy_ms: f64,
    /// Bytes copied in.
    pub(super) bytes: u64,
    /// Where the output goes, when the app gave an `into`.
    pub(super) target: Option<Target>,
}

/// Where an app asked the output to go (`into`): a typed array of the output's type and
/// length, written with one copy. The result then holds it instead of a new array, which
/// saves the browser's cost of a fresh buffer (touching new pages costs more than copying).
pub(super) struct Target {
    value: JsValue,
    kind: &'static str,
    bytes: u64,
}

/// Checks `into` against the output `plan` will produce: sort's (the input's type and
/// length; `into` may be the input itself, to sort in place), mandelbrot's pixels
/// (`Uint8ClampedArray` of width × height × 4, e.g. an `ImageData`'s `data`) or matmul's
/// product (`Float64Array` of rows × cols).
///
/// # Errors
/// `InvalidParamsError` naming `into` for another workload, type or length, or a detached
/// buffer.
pub(super) fn target_of(name: &str, plan: &Plan, into: &JsValue) -> Result<Target, Failure> {
    let (kind, len, size): (&'static str, u64, u64) = match plan {
        Plan::Sort(kind, bytes, len) => {
            (kind, *len as u64, u64::from(bytes.length()) / *len as u64)
        }
        Plan::Ready(Input::Mandelbrot(view)) => (
            "Uint8ClampedArray",
            u64::from(view.width) * u64::from(view.height) * 4,
            1,
        ),
        Plan::Matmul([(_, rows, _), (_, _, cols)]) => ("Float64Array", (rows * cols) as u64, 8),
        _ => {
            return Err(invalid(
                "into",
                format!(
                    "{name}: \"into\" is for sort, mandelbrot and matmul, whose output is one \
                     typed array; leave it out"
                ),
            ))
        }
    };
    let found = data_kind(into).map_err(|thrown| threw_while_read("into", thrown))?;
    let view = if found == kind {
        view_of(into, &found, "into")?
    } else {
        return Err(invalid(
            "into",
            format!(
                "{name}: into must be {} of {len} elements (the output's type and \
                 length), got {}",
                with_article(kind),
                what_is(into, &found)
            ),
        ));
    };
    let elements = u64::from(view.length()) / size;
    if elements != len {
        return Err(invalid(
            "into",
            format!("{name}: into has {elements} elements; the output has {len}"),
        ));
    }
    Ok(Target {
        value: into.clone(),
        kind,
        bytes: len * size,
    })
}
