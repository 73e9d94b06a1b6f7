//! The lab: the experiments of Python's concurrency tutorials, each a real run with its
//! numbers and what it shows. The catalogue ([`EXPERIMENTS`]) lists all of them, with their
//! parameters and explanation; those that need threads sharing memory run here, on the
//! pool (one file each: [`race`], [`locks`], [`queue`]); the others are orchestrations of
//! the public JS API (the package's `lab.js`): `runs` says which.
//!
//! An experiment's threads must all run at once (a barrier starts them together, a queue's
//! producers wait for its consumers), so it asks for at most as many as the pool has.

pub mod locks;
pub mod queue;
pub mod race;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use serde::Serialize;

use crate::engine::{Clock, Ctx, ParamSpec};
use crate::Error;

/// One experiment of the lab.
#[derive(Debug, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null, rename = "LabExperiment")
)]
pub struct Experiment {
    /// Its name, e.g. `"race"`.
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What it shows: two sentences.
    pub explanation: &'static str,
    /// Where it runs: `"threads"` (here, on the pool's shared memory) or `"js"` (the
    /// package's lab.js, on the public API).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"threads\" | \"js\""))]
    pub runs: &'static str,
    /// Its parameters (whole numbers in ranges, as a workload's).
    pub params: &'static [ParamSpec],
}

/// Every experiment, in the order the tutorials teach them.
pub const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        name: "gil",
        title: "GIL or not: threads against processes",
        explanation:
            "CPython's threads take turns holding the GIL, so a CPU-bound countdown gains \
                      nothing from them, and only processes run it in parallel. In wasm there is \
                      no GIL: threads and isolated workers both divide the time by the cores.",
        runs: "js",
        params: &[ParamSpec::integer(
            "n",
            "countdown from n",
            1_000_000,
            2_000_000_000,
            200_000_000,
        )],
    },
    Experiment {
        name: "race",
        title: "Race condition: one shared counter",
        explanation: "k threads add 1 to one counter n times each. Read-then-write without a lock \
                      loses updates whenever two threads read the same value; a mutex, one atomic \
                      add, or counting per thread and adding at the end lose none, at very \
                      different costs.",
        runs: "threads",
        params: &[
            ParamSpec::integer("threads", "threads incrementing at once", 1, 256, 2),
            ParamSpec::integer(
                "increments",
                "increments per thread",
                1,
                100_000_000,
                2_000_000,
            ),
        ],
    },
    Experiment {
        name: "locks",
        title: "Semaphore, Event, RLock, Barrier on the pool",
        explanation: "A semaphore of n permits never lets more than n threads in at once, and the \
                      section slows as n shrinks; an event holds every waiter until it is set; a \
                      reentrant lock lets its holder lock again but nobody else in; a barrier \
                      keeps any thread from starting a phase before all finished the last. Each \
                      costs a lock and a wake-up per use.",
        runs: "threads",
        params: &[
            ParamSpec::integer("threads", "threads taking part", 1, 256, 2),
            ParamSpec::integer(
                "rounds",
                "entries per thread (semaphore), phases (barrier)",
                1,
                1_000_000,
                2_000,
            ),
        ],
    },
    Experiment {
        name: "queue",
        title: "Producers and consumers on a bounded queue",
        explanation:
            "Producers put items into a queue of a given capacity and consumers take them, \
                      marking each done; join returns once every item is done. A small queue \
                      stalls the producers often; every item is consumed exactly once whatever \
                      the capacity.",
        runs: "threads",
        params: &[
            ParamSpec::integer("producers", "producer threads", 1, 128, 1),
            ParamSpec::integer("consumers", "consumer threads", 1, 128, 1),
            ParamSpec::integer("items", "items put in all", 1, 10_000_000, 200_000),
        ],
    },
    Experiment {
        name: "pickling",
        title: "Pickling cost: shared against copied data, and chunk sizes",
        explanation:
            "Threads read one copy of an array in shared memory; processes each get a copy \
                      of their slice, and for cheap work the copying is the whole cost. Handing \
                      tiny tasks to a pool one by one costs a round trip each: larger chunks \
                      amortize it, until the overhead stops mattering.",
        runs: "js",
        params: &[
            ParamSpec::integer("n", "integers in the array", 1_000, 100_000_000, 20_000_000),
            ParamSpec::integer("tasks", "tiny tasks for map", 100, 1_000_000, 20_000),
        ],
    },
    Experiment {
        name: "asyncio",
        title: "Async I/O: gather, limits, as_completed, TaskGroup, periodic tasks",
        explanation: "N calls of latency L take N·L one at a time, about L all at once, and \
                      ceil(N/C)·L under a limit of C; as_completed yields them as they finish, not \
                      as they were started. gather lets siblings finish and collects every \
                      error, a TaskGroup cancels them at the first failure, and a periodic task \
                      stops cleanly when its signal aborts.",
        runs: "js",
        params: &[
            ParamSpec::integer("calls", "calls", 1, 10_000, 40),
            ParamSpec::integer("latency", "latency of a call (ms)", 1, 10_000, 50),
            ParamSpec::integer("limit", "calls at once under a limit", 1, 10_000, 8),
            ParamSpec::integer("ticks", "ticks of the periodic task", 1, 1_000, 5),
        ],
    },
    Experiment {
        name: "exceptions",
        title: "Exceptions travel: thread, process and I/O pools",
        explanation: "A task that fails in a pool does not throw where it runs: its error travels \
                      back and rejects the caller's Promise with its name and message, and error \
                      callbacks see it. Waiting with a timeout gives up on the wait, not the task.",
        runs: "js",
        params: &[ParamSpec::integer(
            "timeoutMs",
            "timeout of result(timeout)",
            1,
            10_000,
            20,
        )],
    },
];

/// The experiment named `name`.
///
/// # Errors
/// [`crate::ErrorKind::UnknownWorkload`] naming the experiments there are.
pub fn find(name: &str) -> Result<&'static Experiment, Error> {
    EXPERIMENTS.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = EXPERIMENTS.iter().map(|e| e.name).collect();
        Error::new(
            crate::ErrorKind::UnknownWorkload,
            format!(
                "no lab experiment {name:?}; the experiments are {}",
                names.join(", ")
            ),
        )
    })
}

/// A cell of a report's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub enum Cell {
    /// A number.
    Number(f64),
    /// A word or label.
    Text(String),
    /// Whether an invariant held.
    Flag(bool),
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}
impl From<u64> for Cell {
    fn from(value: u64) -> Self {
        Cell::Number(value as f64)
    }
}
impl From<usize> for Cell {
    fn from(value: usize) -> Self {
        Cell::Number(value as f64)
    }
}
impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_string())
    }
}
impl From<bool> for Cell {
    fn from(value: bool) -> Self {
        Cell::Flag(value)
    }
}

/// What an experiment found: a table (its columns in order, one map per row) and the
/// parameters it ran with.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
pub struct LabReport {
    /// The experiment's name.
    pub experiment: &'static str,
    /// The parameters, defaults filled in.
    pub params: BTreeMap<&'static str, u64>,
    /// The table's columns, in order.
    pub columns: Vec<&'static str>,
    /// The rows: column -> cell.
    pub rows: Vec<BTreeMap<&'static str, Cell>>,
}

impl LabReport {
    /// An empty report of `experiment` run with `params` (its columns come with the rows).
    fn new(experiment: &'static str, params: BTreeMap<&'static str, u64>) -> Self {
        LabReport {
            experiment,
            params,
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// The table's columns, in order.
    fn with_columns(mut self, columns: &[&'static str]) -> Self {
        self.columns = columns.to_vec();
        self
    }

    fn row(&mut self, cells: Vec<(&'static str, Cell)>) {
        self.rows.push(cells.into_iter().collect());
    }
}

/// Checks `given` (name -> value) against the experiment's parameters and fills in defaults:
/// the values in the order the parameters are declared, as a kernel reads its own
/// ([`crate::kernels::param_values`]).
///
/// # Errors
/// [`crate::ErrorKind::InvalidParams`] for an unknown name or a value out of range.
pub fn params(
    experiment: &'static Experiment,
    given: &BTreeMap<String, f64>,
) -> Result<Vec<u64>, Error> {
    if let Some(unknown) = given
        .keys()
        .find(|key| !experiment.params.iter().any(|p| p.name == key.as_str()))
    {
        let names: Vec<&str> = experiment.params.iter().map(|p| p.name).collect();
        return Err(Error::invalid(format!(
            "{}: unknown param {unknown:?}; its params are {}",
            experiment.name,
            names.join(", ")
        ))
        .with_param(unknown.as_str()));
    }
    experiment
        .params
        .iter()
        .map(|spec| {
            let value = match given.get(spec.name) {
                None => spec.default,
                Some(&v) if v.fract() == 0.0 && v >= spec.min as f64 && v <= spec.max as f64 => {
                    v as u64
                }
                Some(&v) => {
                    return Err(Error::invalid(format!(
                        "{}: param {:?} must be a whole number in {}..={}, got {v}",
                        experiment.name, spec.name, spec.min, spec.max
                    ))
                    .with_param(spec.name))
                }
            };
            Ok(value)
        })
        .collect()
}

/// The parameters by name, for the report: `values` in the experiment's declared order.
fn named(experiment: &Experiment, values: &[u64]) -> BTreeMap<&'static str, u64> {
    experiment
        .params
        .iter()
        .zip(values)
        .map(|(spec, &value)| (spec.name, value))
        .collect()
}

/// Runs the threads experiment `name` with `given` params on the current pool (or rayon's
/// global pool natively), timing with `clock` (milliseconds).
///
/// # Errors
/// Unknown names, bad params, more threads than the pool has
/// ([`crate::ErrorKind::InvalidParams`]), an experiment that runs in JS, cancellation.
pub fn run(
    name: &str,
    given: &BTreeMap<String, f64>,
    ctx: &Ctx,
    clock: Clock,
) -> Result<LabReport, Error> {
    let experiment = find(name)?;
    let params = params(experiment, given)?;
    if experiment.runs != "threads" {
        return run_elsewhere(experiment.name);
    }
    // Two experiments at once could each hold some of the threads the other waits for:
    // one runs at a time, and a second is refused rather than left waiting.
    if RUNNING
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        return Err(Error::invalid(
            "another lab experiment is running on the pool: run them one at a time",
        ));
    }
    struct Running;
    impl Drop for Running {
        fn drop(&mut self) {
            RUNNING.store(false, Ordering::Release);
        }
    }
    let _running = Running;
    let report = LabReport::new(experiment.name, named(experiment, &params));
    match experiment.name {
        "race" => race::run(&params, report, ctx, clock),
        "locks" => locks::run(&params, report, ctx, clock),
        "queue" => queue::run(&params, report, ctx, clock),
        other => run_elsewhere(other),
    }
}

/// Whether a threads experiment is running (one at a time).
static RUNNING: AtomicBool = AtomicBool::new(false);

fn run_elsewhere(name: &str) -> Result<LabReport, Error> {
    Err(Error::invalid(format!(
        "the lab experiment {name:?} runs on the JS API: call runner.lab({name:?}) from the package"
    )))
}

/// Checks that `wanted` threads can all run at once on the pool.
fn check_threads(experiment: &str, wanted: u64) -> Result<usize, Error> {
    let available = rayon::current_num_threads();
    if wanted as usize > available {
        return Err(Error::invalid(format!(
            "{experiment}: {wanted} threads asked for, but the pool has {available}: its threads \
             must all run at once, so ask for at most {available}"
        ))
        .with_param("threads"));
    }
    Ok(wanted as usize)
}

/// Runs `work(i)` for i in 0..k on k pool threads at once: a barrier releases them together.
fn together<F>(k: usize, work: F)
where
    F: Fn(usize) + Sync,
{
    let gate = Arc::new(Barrier::new(k));
    rayon::scope(|scope| {
        for i in 0..k {
            let gate = Arc::clone(&gate);
            let work = &work;
            scope.spawn(move |_| {
                gate.wait();
                work(i);
            });
        }
    });
}
