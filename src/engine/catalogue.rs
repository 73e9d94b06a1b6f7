//! The catalogue of workloads: names, descriptions, parameters with ranges and defaults.
//!
//! The catalogue is data: the JS layer serializes it for `Runner.workloads()`, the page builds
//! its form from it, and validation ([`crate::engine::JobSpec`]) checks input against it.
//!
//! It is also the extension point: a crate that depends on webpar adds a workload by
//! implementing [`Kernel`] and calling [`register`] with `Workload::of::<ItsKernel>()`; the
//! workload then appears in `workloads()`, `run`, `submit`, `map`, `compare`, `sweep`, the
//! bench and the page's form, exactly like the built-in ones (see `examples/levenshtein`).

use std::any::Any;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::engine::input::{CustomInput, CustomOutput};
use crate::engine::{spin_lock, Input};
pub use crate::kernels::WORKLOADS;
use crate::kernels::{Ctx, InputKernel, Kernel, Mode, Output, ParamSpec};
use crate::{Error, ErrorKind};

/// A runnable workload of the catalogue.
#[derive(Debug, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null, rename = "WorkloadSpec")
)]
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
    /// The input form of a workload registered with one ([`InputKernel`]).
    #[serde(skip)]
    form: Option<InputForm>,
    /// The TypeScript types of the input form's input and output, for the package's
    /// declarations ([`declarations`]).
    #[serde(skip)]
    types: Option<(&'static str, &'static str)>,
}

/// What an input form's run gives: the output and its checksum.
type Ran = Result<(CustomOutput, u64), Error>;
/// An app's data read for an input form, its type erased.
type Data = Arc<dyn Any + Send + Sync>;

/// An [`InputKernel`]'s input form with its types erased, so that one catalogue holds
/// workloads of any input and output types.
#[derive(Clone, Copy)]
struct InputForm {
    read: fn(&mut dyn erased_serde::Deserializer<'_>) -> Result<Data, erased_serde::Error>,
    memory: fn(&dyn Any) -> u64,
    run: fn(&dyn Any, &Ctx, Mode) -> Ran,
}

impl std::fmt::Debug for InputForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InputForm")
    }
}

fn read_as<K: InputKernel>(
    deserializer: &mut dyn erased_serde::Deserializer<'_>,
) -> Result<Data, erased_serde::Error> {
    let data: K::Input = erased_serde::deserialize(deserializer)?;
    Ok(Arc::new(data))
}

fn memory_of<K: InputKernel>(data: &dyn Any) -> u64 {
    data.downcast_ref::<K::Input>()
        .map_or(0, K::input_memory_bytes)
}

fn run_as<K: InputKernel>(data: &dyn Any, ctx: &Ctx, mode: Mode) -> Ran {
    let data = data.downcast_ref::<K::Input>().ok_or_else(|| {
        Error::invalid(format!(
            "{}: this input was read for another workload",
            K::NAME
        ))
    })?;
    let (output, checksum) = K::run_input(data, ctx, mode)?;
    Ok((CustomOutput::new(Arc::new(output)), checksum))
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
            form: None,
            types: None,
        }
    }

    /// The catalogue entry of a [`Kernel`] with the `input` form of its [`InputKernel`]:
    /// the app's own data in (read by serde), the real output back.
    pub const fn with_input_of<K: InputKernel>() -> Workload {
        let mut workload = Workload::of::<K>();
        workload.input = Some(K::INPUT);
        workload.form = Some(InputForm {
            read: read_as::<K>,
            memory: memory_of::<K>,
            run: run_as::<K>,
        });
        workload.types = Some((K::INPUT_TYPE, K::OUTPUT_TYPE));
        workload
    }

    /// Reads an app's data for this workload's input form (made with
    /// [`Workload::with_input_of`]) from any serde deserializer: the web layer passes the
    /// JS value's, tests may pass JSON.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParams`] (param `"input"`) saying what serde could not read, or
    /// that the workload has no input form read by serde.
    pub fn read_input<'de, D: serde::Deserializer<'de>>(
        &'static self,
        deserializer: D,
    ) -> Result<Input, Error> {
        let form = self.form.ok_or_else(|| self.no_input_form())?;
        let mut track = serde_path_to_error::Track::new();
        let tracked = serde_path_to_error::Deserializer::new(deserializer, &mut track);
        let mut erased = <dyn erased_serde::Deserializer>::erase(tracked);
        let read = (form.read)(&mut erased);
        drop(erased);
        let data = read.map_err(|err| {
            let path = track.path().to_string();
            let field = match path.as_str() {
                "." => "input".to_string(),
                path if path.starts_with('[') => format!("input{path}"),
                path => format!("input.{path}"),
            };
            // serde-wasm-bindgen's messages come wrapped in "Error: " once per level.
            let err = err.to_string();
            let mut err = err.as_str();
            while let Some(inner) = err.strip_prefix("Error: ") {
                err = inner;
            }
            Error::invalid(format!(
                "{}: {field}: {err}; it takes {}",
                self.name,
                self.input.unwrap_or("no input")
            ))
            .with_param(field.as_str())
        })?;
        Ok(Input::Custom(CustomInput::new(self, data)))
    }

    /// Whether the workload is one of webpar's own ([`WORKLOADS`]), not one added with
    /// [`register`].
    pub fn is_built_in(&self) -> bool {
        WORKLOADS
            .iter()
            .any(|workload| std::ptr::eq(workload, self))
    }

    /// Whether the input form is one read by serde ([`Workload::with_input_of`]), not one of
    /// a built-in workload's.
    pub fn reads_input_with_serde(&self) -> bool {
        self.form.is_some()
    }

    fn no_input_form(&self) -> Error {
        Error::invalid(format!(
            "{} has no input form read by serde: pass its params ({})",
            self.name,
            self.params
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_param("input")
    }

    /// Bytes a run on `input` (read by [`Workload::read_input`]) allocates beside it.
    pub(crate) fn custom_memory_bytes(&self, input: &CustomInput) -> u64 {
        self.form.map_or(0, |form| (form.memory)(input.data()))
    }

    /// Runs the input form on `input` (read by [`Workload::read_input`]).
    pub(crate) fn run_custom(&self, input: &CustomInput, ctx: &Ctx, mode: Mode) -> Ran {
        let form = self.form.ok_or_else(|| self.no_input_form())?;
        (form.run)(input.data(), ctx, mode)
    }

    /// This entry with an `input` form (a built-in workload's, read by the web layer), as
    /// `what` describes it, taking and giving back the TypeScript types `input_type` and
    /// `output_type` (declared in `src/web/boundary.d.ts`).
    pub(crate) const fn with_input(
        mut self,
        what: &'static str,
        input_type: &'static str,
        output_type: &'static str,
    ) -> Workload {
        self.input = Some(what);
        self.types = Some((input_type, output_type));
        self
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

/// The TypeScript declarations of every workload in the catalogue, built-in and registered,
/// in order: `WorkloadParams`, `WorkloadInputs` and `WorkloadOutputs`, by workload name. The
/// package's build appends them to its declarations (`webpar_core.d.ts`, beside the named
/// types of `src/web/boundary.d.ts` they refer to), so `run(name, params)` is typed per
/// workload, a registered crate's workloads too.
///
/// ```
/// let declarations = webpar::engine::declarations();
/// assert!(declarations.contains("  primes: { below: number };\n"));
/// assert!(declarations.contains("  sort: SortInput;\n"));
/// ```
pub fn declarations() -> String {
    let workloads = workloads();
    let mut out = String::from(
        "// The workloads of the catalogue, generated from it when the package is built.\n",
    );
    let mut interface = |doc: &str, name: &str, members: Vec<String>| {
        out.push_str(&format!("/**\n{doc} */\nexport interface {name} {{\n"));
        for member in members {
            out.push_str(&format!("  {member};\n"));
        }
        out.push_str("}\n");
    };
    interface(
        " * Each workload's parameters, by workload name: whole numbers, every one required (the\n \
         * catalogue, `runner.workloads()`, gives their ranges and defaults).\n",
        "WorkloadParams",
        workloads
            .iter()
            .map(|w| {
                let params: Vec<String> = w
                    .params
                    .iter()
                    .map(|p| format!("{}: number", property(p.name)))
                    .collect();
                if params.is_empty() {
                    format!("{}: Record<string, never>", property(w.name))
                } else {
                    format!("{}: {{ {} }}", property(w.name), params.join("; "))
                }
            })
            .collect(),
    );
    let typed = || workloads.iter().filter_map(|w| Some((w.name, w.types?)));
    interface(
        " * What each workload's `input` form takes, by workload name.\n",
        "WorkloadInputs",
        typed()
            .map(|(name, (input, _))| format!("{}: {input}", property(name)))
            .collect(),
    );
    interface(
        " * What each workload's `input` form gives back, by workload name.\n",
        "WorkloadOutputs",
        typed()
            .map(|(name, (_, output))| format!("{}: {output}", property(name)))
            .collect(),
    );
    out
}

/// `name` as a TypeScript property name: as is when it is an identifier, else quoted.
fn property(name: &str) -> String {
    let identifier = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}
