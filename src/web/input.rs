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

/// The bytes of a slice of plain numbers.
fn bytes_of_numbers<T: Copy>(numbers: &[T]) -> &[u8] {
    // Plain numbers (no padding, any bit pattern valid as bytes), borrowed as long as `numbers`.
    unsafe {
        std::slice::from_raw_parts(
            numbers.as_ptr().cast::<u8>(),
            std::mem::size_of_val(numbers),
        )
    }
}

/// The app's `into` with `values` written over its elements in one copy, or, without a
/// target (or when its buffer was detached or resized meanwhile: nothing computed is lost),
/// `copy()`: a new typed array.
fn placed<T: Copy>(
    target: Option<&Target>,
    values: &[T],
    copy: impl FnOnce() -> JsValue,
) -> JsValue {
    let bytes = bytes_of_numbers(values);
    let Some(target) = target.filter(|target| bytes.len() as u64 == target.bytes) else {
        return copy();
    };
    match bytes_of(&target.value, target.kind) {
        Ok(Some(view)) if u64::from(view.length()) == target.bytes => {
            view.copy_from(bytes);
            target.value.clone()
        }
        _ => copy(),
    }
}

/// Copies the `len` numbers of a typed array of `kind` (its bytes) into [`Numbers`].
fn numbers(kind: &str, bytes: &Uint8Array, len: usize) -> Result<Numbers, Error> {
    Ok(match kind {
        "Float64Array" => Numbers::F64(copied(bytes, len)?),
        "Float32Array" => Numbers::F32(copied(bytes, len)?),
        "Int32Array" => Numbers::I32(copied(bytes, len)?),
        "Uint32Array" => Numbers::U32(copied(bytes, len)?),
        "BigInt64Array" => Numbers::I64(copied(bytes, len)?),
        _ => Numbers::U64(copied(bytes, len)?),
    })
}

/// Copies `len` elements of type `T` from `bytes` into a new vector: one copy.
fn copied<T: Copy + Default>(bytes: &Uint8Array, len: usize) -> Result<Vec<T>, Error> {
    let mut out: Vec<T> = Vec::new();
    out.try_reserve_exact(len).map_err(|_| {
        Error::new(
            crate::ErrorKind::OverBudget,
            "the input does not fit in memory",
        )
    })?;
    out.resize(len, T::default());
    copy_into(bytes, &mut out)?;
    Ok(out)
}

/// Copies the first bytes of `bytes` over `out`, as many as it holds: one bulk copy.
fn copy_into<T: Copy>(bytes: &Uint8Array, out: &mut [T]) -> Result<(), Error> {
    let len = std::mem::size_of_val(out);
    if len > 0 {
        // The view lives only for this copy, and nothing allocates in between.
        let target = unsafe { Uint8Array::view_mut_raw(out.as_mut_ptr().cast::<u8>(), len) };
        let source = bytes.subarray(0, len as u32);
        copy_bytes(&source, &target)
            .map_err(|_| Error::invalid("the input changed while it was copied"))?;
    }
    Ok(())
}

/// Copies every item (Blobs read slice by slice) into wasm memory.
async fn load_all(items: Vec<Bytes>) -> Result<Vec<Vec<u8>>, Failure> {
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        out.push(match item {
            Bytes::View(view) => copied(&view, view.length() as usize)?,
            Bytes::Text(text) => text.into_bytes(),
            Bytes::Blob(blob, size) => {
                let mut bytes: Vec<u8> = Vec::new();
                bytes.try_reserve_exact(size as usize).map_err(|_| {
                    Error::new(
                        crate::ErrorKind::OverBudget,
                        "a Blob does not fit in memory",
                    )
                })?;
                let mut start = 0.0;
                while start < size {
                    let end = (start + BLOB_SLICE).min(size);
                    let slice = read_slice(&blob, start, end)
                        .await
                        .map_err(|thrown| blob_failed(index, thrown))?;
                    // Each slice straight into its place in the message: one copy.
                    let at = bytes.len();
                    bytes.resize(at + slice.length() as usize, 0);
                    copy_into(&slice, &mut bytes[at..])?;
                    start = end;
                }
                bytes
            }
        });
    }
    Ok(out)
}

/// Bytes of `sha256`'s input in wasm memory at once: the arrays and strings, copied whole,
/// and of the Blobs, the slices being hashed and read ahead, for as many Blobs as there are
/// threads to hash them at once.
fn resident_while_hashed(items: &[Bytes]) -> u64 {
    let mut slices: Vec<u64> = items
        .iter()
        .filter(|item| matches!(item, Bytes::Blob(..)))
        .map(|blob| blob.len().min(SLICES_PER_BLOB * STREAM_SLICE))
        .collect();
    slices.sort_unstable_by(|a, b| b.cmp(a));
    let hashing_at_once = crate::engine::pool::ready_threads().unwrap_or(1).max(1);
    let copied: u64 = items
        .iter()
        .filter(|item| !matches!(item, Bytes::Blob(..)))
        .map(Bytes::len)
        .sum();
    copied + slices.iter().take(hashing_at_once).sum::<u64>()
}

/// Slices of a Blob in memory at once while it is hashed: with threads, the one being hashed
/// and the next, read meanwhile; without, the one being hashed.
#[cfg(target_feature = "atomics")]
const SLICES_PER_BLOB: u64 = 2;
#[cfg(not(target_feature = "atomics"))]
const SLICES_PER_BLOB: u64 = 1;

/// `sha256`'s messages: arrays and strings copied into wasm memory, Blobs read slice by slice
/// as they are hashed (never whole): with threads, by a pool thread as it hashes
/// ([`blob_source::BlobSource`]); without (an isolated worker), here, each slice hashed as it
/// arrives.
async fn messages(items: Vec<Bytes>) -> Result<Vec<Message>, Failure> {
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        out.push(match item {
            Bytes::View(view) => Message::Bytes(copied(&view, view.length() as usize)?),
            Bytes::Text(text) => Message::Bytes(text.into_bytes()),
            #[cfg(target_feature = "atomics")]
            Bytes::Blob(blob, size) => Message::Streamed(std::sync::Arc::new(
                blob_source::BlobSource::new(blob, size as u64, index),
            )),
            #[cfg(not(target_feature = "atomics"))]
            Bytes::Blob(blob, size) => {
                let mut stream = crate::kernels::sha256::Stream::new();
                let mut start = 0.0;
                while start < size {
                    let end = (start + STREAM_SLICE as f64).min(size);
                    let slice = read_slice(&blob, start, end)
                        .await
                        .map_err(|thrown| blob_failed(index, thrown))?;
                    stream.update(&slice.to_vec());
                    start = end;
                }
                Message::Hashed(stream.finish(), size as u64)
            }
        });
    }
    Ok(out)
}

/// A Blob that pool threads read slice by slice as they hash it.
#[cfg(target_feature = "atomics")]
mod blob_source {
    use std::ops::Range;
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::{Mutex, PoisonError};

    use futures_channel::mpsc::{unbounded, UnboundedSender};
    use futures_util::StreamExt;
    use wasm_bindgen::JsValue;

    use super::{read_slice, STREAM_SLICE};
    use crate::kernels::sha256::Source;
    use crate::Error;

    /// A slice's bytes, or why they could not be read.
    type Slice = Result<Vec<u8>, String>;

    /// A pool thread's request for bytes `start..end`, answered through `reply`.
    struct Request {
        start: u64,
        end: u64,
        reply: Sender<Slice>,
    }

    /// The Blob stays on the page's thread (JS values cannot cross threads): a task there
    /// reads the slices the hashing thread asks for and sends their bytes over. The hashing
    /// thread waits for a slice (a pool thread may wait; the page's thread never does), and
    /// asks for the next one before it hashes this one, so reading and hashing overlap.
    pub(super) struct BlobSource {
        size: u64,
        index: usize,
        requests: UnboundedSender<Request>,
        /// The slice asked for ahead: its start, and where its bytes will arrive.
        ahead: Mutex<Option<(u64, Receiver<Slice>)>>,
    }

    impl BlobSource {
        /// Starts the reading task for `blob` of `size` bytes, item `index` of the input. It
        /// ends when the source is dropped (with the job).
        pub(super) fn new(blob: JsValue, size: u64, index: usize) -> BlobSource {
            let (requests, mut incoming) = unbounded::<Request>();
            wasm_bindgen_futures::spawn_local(async move {
                while let Some(Request { start, end, reply }) = incoming.next().await {
                    let slice = read_slice(&blob, start as f64, end as f64)
                        .await
                        .map(|bytes| bytes.to_vec())
                        .map_err(|thrown| super::super::convert::js_error_message(&thrown));
                    // The thread may have stopped waiting (the job was cancelled).
                    let _ = reply.send(slice);
                }
            });
            BlobSource {
                size,
                index,
                requests,
                ahead: Mutex::new(None),
            }
        }

        fn request(&self, range: Range<u64>) -> Result<Receiver<Slice>, Error> {
            let (reply, receiver) = channel();
            self.requests
                .unbounded_send(Request {
                    start: range.start,
                    end: range.end,
                    reply,
                })
                .map_err(|_| self.gone())?;
            Ok(receiver)
        }

        fn gone(&self) -> Error {
            Error::invalid(format!(
                "input[{}]: the page stopped reading the Blob while it was hashed",
                self.index
            ))
            .with_param("input")
        }
    }

    impl Source for BlobSource {
        fn len(&self) -> u64 {
            self.size
        }

        fn read(&self, range: Range<u64>) -> Result<Vec<u8>, Error> {
            if rayon::current_thread_index().is_none() {
                // Waiting here would block the thread that reads the Blob.
                return Err(Error::invalid(format!(
                    "input[{}]: a Blob is hashed on the pool's threads only",
                    self.index
                )));
            }
            let mut ahead = self.ahead.lock().unwrap_or_else(PoisonError::into_inner);
            let receiver = match ahead.take().filter(|(start, _)| *start == range.start) {
                Some((_, receiver)) => receiver,
                None => self.request(range.clone())?,
            };
            if range.end < self.size {
                let next = range.end..(range.end + STREAM_SLICE).min(self.size);
                *ahead = Some((next.start, self.request(next)?));
            }
            drop(ahead);
            match receiver.recv() {
                Ok(Ok(bytes)) => Ok(bytes),
                Ok(Err(message)) => Err(Error::invalid(format!(
                    "input[{}]: the Blob could not be read ({message}); a File removed or \
                     changed on disk since it was picked reads this way",
                    self.index
                ))
                .with_param("input")),
                Err(_) => Err(self.gone()),
            }
        }
    }
}

async fn read_slice(blob: &JsValue, start: f64, end: f64) -> Result<Uint8Array, JsValue> {
    let promise = read_blob(blob, start, end)?;
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

fn blob_failed(index: usize, thrown: JsValue) -> Failure {
    Failure::caused_by(
        Error::invalid(format!(
            "input[{index}]: the Blob could not be read ({}); err.cause is the browser's error \
             (a File removed or changed on disk since it was picked reads this way)",
            super::convert::js_error_message(&thrown)
        ))
        .with_param("input"),
        thrown,
    )
}

/// The items of a bytes input: one value or an array of them.
fn byte_items(input: &JsValue, name: &str, binary: bool) -> Result<Vec<Bytes>, Failure> {
    let list = is_array(input).map_err(|thrown| threw_while_read("input", thrown))?;
    let values = if list {
        list_items(input, "input")?
    } else {
        vec![input.clone()]
    };
    non_empty(values.len(), "input", &format!("{name}: input"))?;
    let accepted = if binary {
        "an ArrayBuffer, a typed array, a DataView, a Blob, a File or a string"
    } else {
        "a string, a Blob or a File"
    };
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let field = if list {
                format!("input[{index}]")
            } else {
                "input".to_string()
            };
            let kind = kind_of(value)?;
            match kind.as_str() {
                "string" => Ok(Bytes::Text(value.as_string().unwrap_or_default())),
                "Blob" => {
                    let size =
                        size_of_blob(value).map_err(|thrown| threw_while_read(&field, thrown))?;
                    Ok(Bytes::Blob(value.clone(), size))
                }
                "" => Err(invalid(
                    &field,
                    format!(
                        "{name}: {field} must be {accepted}, got {}",
                        describe(value)
                    ),
                )),
                // Bytes (for wordcount, text as UTF-8).
                _ => Ok(Bytes::View(view_of(value, &kind, &field)?)),
            }
        })
        .collect()
}

/// The mandelbrot viewport.
fn viewport(input: &JsValue) -> Result<View, Failure> {
    let fields = Fields::read(
        input,
        "mandelbrot",
        &["center", "scale", "width", "height", "maxIter"],
    )?;
    let width = whole(&fields.get("width")?, "input.width", 1.0, 20_000.0)? as u32;
    let height = whole(&fields.get("height")?, "input.height", 1.0, 20_000.0)? as u32;
    let max_iter = match fields.optional("maxIter") {
        Some(value) => whole(&value, "input.maxIter", 1.0, 100_000.0)? as u32,
        None => 1_000,
    };
    let scale = match fields.optional("scale") {
        Some(value) => finite(&value, "input.scale", true)?,
        None => 3.2 / f64::from(width),
    };
    let (center_re, center_im) = match fields.optional("center") {
        Some(value) => {
            let items = if is_array(&value) == Ok(true) {
                list_items(&value, "input.center")?
            } else {
                Vec::new()
            };
            if items.len() != 2 {
                return Err(invalid(
                    "input.center",
                    format!(
                        "mandelbrot: input.center must be [re, im], got {}",
                        describe(&value)
                    ),
                ));
            }
            (
                finite(&items[0], "input.center", false)?,
                finite(&items[1], "input.center", false)?,
            )
        }
        None => (-0.6, 0.0),
    };
    Ok(View {
        center_re,
        center_im,
        scale,
        width,
        height,
        max_iter,
    })
}

/// A matrix `{ data: Float64Array, rows, cols }`.
fn matrix_plan(value: &JsValue, field: &str) -> Result<(Uint8Array, usize, usize), Failure> {
    let fields = Fields::read(value, field, &["data", "rows", "cols"])?;
    let rows = whole(&fields.get("rows")?, &format!("{field}.rows"), 1.0, 1e6)? as usize;
    let cols = whole(&fields.get("cols")?, &format!("{field}.cols"), 1.0, 1e6)? as usize;
    let data = float64s(&fields.get("data")?, &format!("{field}.data"))?;
    let len = u64::from(data.length()) / 8;
    if len != rows as u64 * cols as u64 {
        return Err(invalid(
            &format!("{field}.data"),
            format!("{field}.data has {len} entries but {field} is {rows} x {cols}"),
        ));
    }
    Ok((data, rows, cols))
}

fn matrix((data, rows, cols): &(Uint8Array, usize, usize)) -> Result<Matrix, Error> {
    Ok(Matrix {
        rows: *rows,
        cols: *cols,
        data: copied(data, rows * cols)?,
    })
}

/// The systems of `equations`: `[{ matrix, rhs }, ...]`.
fn systems_plan(input: &JsValue) -> Result<Vec<(usize, Uint8Array, Uint8Array)>, Failure> {
    if is_array(input).map_err(|thrown| threw_while_read("input", thrown))? {
        let items = list_items(input, "input")?;
        non_empty(items.len(), "input", "equations: input")?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let field = format!("input[{index}]");
                let fields = Fields::read(item, &field, &["matrix", "rhs"])?;
                let matrix = float64s(&fields.get("matrix")?, &format!("{field}.matrix"))?;
                let rhs = float64s(&fields.get("rhs")?, &format!("{field}.rhs"))?;
                let n = rhs.length() as usize / 8;
                non_empty(
                    n,
                    &format!("{field}.rhs"),
                    &format!("equations: {field}.rhs"),
                )?;
                if matrix.length() as usize / 8 != n * n {
                    return Err(invalid(
                        &format!("{field}.matrix"),
                        format!(
                            "equations: {field}.matrix has {} entries; with {n} right-hand sides \
                             it must have {n} x {n} = {}",
                            matrix.length() / 8,
                            n * n
                        ),
                    ));
                }
                Ok((n, matrix, rhs))
            })
            .collect()
    } else {
        Err(invalid(
            "input",
            format!(
                "equations: input must be an array of {{ matrix, rhs }}, got {}",
                describe(input)
            ),
        ))
    }
}

fn nbody_plan(input: &JsValue) -> Result<Plan, Failure> {
    let fields = Fields::read(
        input,
        "nbody",
        &["positions", "velocities", "masses", "steps", "dt"],
    )?;
    let masses = float64s(&fields.get("masses")?, "input.masses")?;
    let n = masses.length() as usize / 8;
    non_empty(n, "input.masses", "nbody: input.masses")?;
    if n > 100_000 {
        return Err(invalid(
            "input.masses",
            format!("nbody: {n} bodies; at most 100000"),
        ));
    }
    let triples = |name: &str| -> Result<Option<Uint8Array>, Failure> {
        let field = format!("input.{name}");
        let Some(value) = fields.optional(name) else {
            return Ok(None);
        };
        let bytes = float64s(&value, &field)?;
        if bytes.length() as usize / 8 != 3 * n {
            return Err(invalid(
                &field,
                format!(
                    "nbody: {field} has {} entries; {n} bodies need 3 x {n} = {} (x, y, z each)",
                    bytes.length() / 8,
                    3 * n
                ),
            ));
        }
        Ok(Some(bytes))
    };
    let positions = triples("positions")?.ok_or_else(|| missing("input.positions"))?;
    let velocities = triples("velocities")?;
    let steps = whole(&fields.get("steps")?, "input.steps", 1.0, 100_000.0)? as u64;
    let dt = match fields.optional("dt") {
        Some(value) => finite(&value, "input.dt", true)?,
        None => 1e-3,
    };
    Ok(Plan::Nbody {
        positions,
        velocities,
        masses,
        steps,
        dt,
    })
}

/// The fields of an input object, read once.
struct Fields {
    what: String,
    pairs: Vec<(String, JsValue)>,
}

impl Fields {
    fn read(value: &JsValue, what: &str, known: &[&str]) -> Result<Fields, Failure> {
        let what = if what.starts_with("input") {
            what.to_string()
        } else {
            format!("{what}: input")
        };
        if !value.is_object() || is_array(value) == Ok(true) {
            return Err(invalid(
                "input",
                format!(
                    "{what} must be an object with {}, got {}",
                    known.join(", "),
                    describe(value)
                ),
            ));
        }
        let pairs = entries(value, &what)?;
        if let Some((key, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(invalid(
                "input",
                format!(
                    "{what}: unknown field {key:?}; the fields are {}",
                    known.join(", ")
                ),
            ));
        }
        Ok(Fields { what, pairs })
    }

    fn optional(&self, key: &str) -> Option<JsValue> {
        self.pairs
            .iter()
            .find(|(k, v)| k == key && !v.is_undefined())
            .map(|(_, v)| v.clone())
    }

    fn get(&self, key: &str) -> Result<JsValue, Failure> {
        self.optional(key).ok_or_else(|| {
            invalid(
                key,
                format!(
                    "{}: missing field {key:?}",
                    self.what.trim_end_matches(": input")
                ),
            )
        })
    }
}

fn kind_of(value: &JsValue) -> Result<String, Failure> {
    data_kind(value).map_err(|thrown| threw_while_read("input", thrown))
}

fn static_kind(kind: &str) -> &'static str {
    [
        "Float64Array",
        "Float32Array",
        "Int32Array",
        "Uint32Array",
        "BigInt64Array",
        "BigUint64Array",
    ]
    .into_iter()
    .find(|k| *k == kind)
    .unwrap_or("BigUint64Array")
}

fn view_of(value: &JsValue, kind: &str, field: &str) -> Result<Uint8Array, Failure> {
    match bytes_of(value, kind) {
        Ok(Some(view)) => Ok(view),
        Ok(None) => Err(invalid(
            field,
            format!(
                "{field} is {} whose buffer is detached (it was transferred, e.g. to a \
                 worker): pass data you still own",
                with_article(kind)
            ),
        )),
        Err(thrown) => Err(threw_while_read(field, thrown)),
    }
}

fn float64s(value: &JsValue, field: &str) -> Result<Uint8Array, Failure> {
    let kind = kind_of(value)?;
    if kind != "Float64Array" {
        return Err(invalid(
            field,
            format!(
                "{field} must be a Float64Array, got {}",
                what_is(value, &kind)
            ),
        ));
    }
    view_of(value, &kind, field)
}

fn what_is(value: &JsValue, kind: &str) -> String {
    if kind.is_empty() {
        describe(value)
    } else {
        with_article(kind)
    }
}

/// The items of an array the caller gave (at most 2^20), read one by one.
pub(super) fn list_items(value: &JsValue, field: &str) -> Result<Vec<JsValue>, Failure> {
    if !is_array(value).map_err(|thrown| threw_while_read(field, thrown))? {
        return Err(invalid(
            field,
            format!("{field} must be an array, got {}", describe(value)),
        ));
    }
    let threw = |thrown| threw_while_read(field, thrown).with_param(field);
    let length = Reflect::get(value, &"length".into())
        .map_err(threw)?
        .as_f64()
        .unwrap_or(0.0);
    if length > MAX_ITEMS as f64 {
        return Err(invalid(
            field,
            format!("{field} has {length} items; at most {MAX_ITEMS}: split it, or use runner.map"),
        ));
    }
    (0..length as u32)
        .map(|index| Reflect::get_u32(value, index).map_err(threw))
        .collect()
}

fn whole(value: &JsValue, field: &str, min: f64, max: f64) -> Result<f64, Failure> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (min..=max).contains(&n) => Ok(n),
        _ => Err(invalid(
            field,
            format!(
                "{field} must be a whole number in {min}..={max}, got {}",
                describe(value)
            ),
        )),
    }
}

fn finite(value: &JsValue, field: &str, positive: bool) -> Result<f64, Failure> {
    match value.as_f64() {
        Some(n) if n.is_finite() && (!positive || n > 0.0) => Ok(n),
        _ => Err(invalid(
            field,
            format!(
                "{field} must be a finite{} number, got {}",
                if positive { " positive" } else { "" },
                describe(value)
            ),
        )),
    }
}

fn non_empty(len: usize, field: &str, what: &str) -> Result<(), Failure> {
    if len == 0 {
        return Err(invalid(
            field,
            format!("{what} is empty: pass at least one item"),
        ));
    }
    Ok(())
}

fn missing(field: &str) -> Failure {
    invalid(field, format!("missing field {field:?}"))
}

fn invalid(field: &str, message: String) -> Failure {
    Error::invalid(message).with_param(field).into()
}

/// A fresh typed array (its own, non-shared buffer) holding a copy of `slice`: made at its
/// length, then filled in bulk with `TypedArray.prototype.set` from a view of wasm memory.
macro_rules! typed_copy {
    ($array:ty, $slice:expr) => {{
        let slice = $slice;
        let out = <$array>::new_with_length(slice.len() as u32);
        out.copy_from(slice);
        out
    }};
}

/// The real output as JS values: typed arrays (one copy out of wasm memory, into the app's
/// `into` when it gave one) and plain objects.
///
/// # Errors
/// `InvalidParamsError` when a registered workload's output has a value serde-wasm-bindgen
/// cannot write (an integer beyond 2^53, say).
pub(super) fn output_to_js(output: Produced, target: Option<&Target>) -> Result<JsValue, Failure> {
    if let Produced::Custom(custom) = &output {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        return serde::Serialize::serialize(custom, &serializer).map_err(|err| {
            Error::invalid(format!(
                "the output could not be written as a JS value: {err}"
            ))
            .with_param("output")
            .into()
        });
    }
    Ok(built_in_output_to_js(output, target))
}

fn built_in_output_to_js(output: Produced, target: Option<&Target>) -> JsValue {
    let object = |pairs: &[(&str, JsValue)]| -> JsValue {
        let object = Object::new();
        for (key, value) in pairs {
            let _ = Reflect::set(&object, &(*key).into(), value);
        }
        object.into()
    };
    match output {
        Produced::Sorted(numbers) => match numbers {
            Numbers::F64(v) => placed(target, &v, || {
                typed_copy!(js_sys::Float64Array, &v[..]).into()
            }),
            Numbers::F32(v) => placed(target, &v, || {
                typed_copy!(js_sys::Float32Array, &v[..]).into()
            }),
            Numbers::I32(v) => placed(target, &v, || {
                typed_copy!(js_sys::Int32Array, &v[..]).into()
            }),
            Numbers::U32(v) => placed(target, &v, || {
                typed_copy!(js_sys::Uint32Array, &v[..]).into()
            }),
            Numbers::I64(v) => placed(target, &v, || {
                typed_copy!(js_sys::BigInt64Array, &v[..]).into()
            }),
            Numbers::U64(v) => placed(target, &v, || {
                typed_copy!(js_sys::BigUint64Array, &v[..]).into()
            }),
        },
        Produced::Total(total) => object(&[("sum", js_sys::BigInt::from(total).into())]),
        Produced::Digests(digests) => digests
            .iter()
            .map(|digest| {
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                object(&[
                    ("hex", hex.into()),
                    ("bytes", typed_copy!(Uint8Array, &digest[..]).into()),
                ])
            })
            .collect::<Array>()
            .into(),
        Produced::Image {
            width,
            height,
            rgba,
        } => object(&[
            ("width", width.into()),
            ("height", height.into()),
            (
                "pixels",
                placed(target, &rgba, || {
                    typed_copy!(js_sys::Uint8ClampedArray, &rgba[..]).into()
                }),
            ),
        ]),
        Produced::Product(m) => object(&[
            (
                "data",
                placed(target, &m.data, || {
                    typed_copy!(js_sys::Float64Array, &m.data[..]).into()
                }),
            ),
            ("rows", (m.rows as u32).into()),
            ("cols", (m.cols as u32).into()),
        ]),
        Produced::Solutions(solutions) => {
            let singular: Array = solutions
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_none())
                .map(|(i, _)| JsValue::from(i as u32))
                .collect();
            let list: Array = solutions
                .iter()
                .map(|s| match s {
                    Some(x) => typed_copy!(js_sys::Float64Array, &x[..]).into(),
                    None => JsValue::NULL,
                })
                .collect();
            object(&[("solutions", list.into()), ("singular", singular.into())])
        }
        Produced::Primes(primes) => object(&[
            ("count", (primes.len() as u32).into()),
            (
                "primes",
                typed_copy!(js_sys::Uint32Array, &primes[..]).into(),
            ),
        ]),
        Produced::Bodies(bodies) => {
            let flat = |v: &[[f64; 3]]| -> JsValue {
                let flat: Vec<f64> = v.iter().flatten().copied().collect();
                typed_copy!(js_sys::Float64Array, &flat[..]).into()
            };
            object(&[
                ("positions", flat(&bodies.positions)),
                ("velocities", flat(&bodies.velocities)),
            ])
        }
        Produced::Words(counts) => {
            let per_input: Array = counts
                .per_input
                .iter()
                .map(|&c| JsValue::from(c as f64))
                .collect();
            let top: Array = counts
                .top
                .iter()
                .map(|(word, count)| {
                    object(&[
                        ("word", word.as_str().into()),
                        ("count", (*count as f64).into()),
                    ])
                })
                .collect();
            object(&[
                ("perInput", per_input.into()),
                ("total", (counts.total as f64).into()),
                ("distinct", (counts.distinct as f64).into()),
                ("top", top.into()),
            ])
        }
        // Written by output_to_js.
        Produced::Custom(_) => JsValue::UNDEFINED,
    }
}

/// Whether `params` hold an `input` (the input form), as entries.
pub(super) fn split_input(
    params: Vec<(String, JsValue)>,
) -> (Option<JsValue>, Vec<(String, JsValue)>) {
    let mut input = None;
    let mut rest = Vec::new();
    for (key, value) in params {
        if key == "input" {
            input = Some(value);
        } else {
            rest.push((key, value));
        }
    }
    (input, rest)
}
