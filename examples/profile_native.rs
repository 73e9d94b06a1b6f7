//! Where each kernel's parallel time goes, natively on Linux: what limits its speedup.
//!
//! For every workload at its catalogue defaults, the modes take turns (sequential, then
//! parallel on rayon's global pool), and around each run the profiler reads the kernel's own
//! accounting of every thread of the process (`/proc/self/task/*/schedstat`: nanoseconds on
//! a CPU; `/proc/self/stat`: minor page faults and system time). From those:
//!
//! - *busy*: CPU time of the parallel run / (threads × its wall time). Below 1, threads sat
//!   idle: a serial phase, or chunks that do not balance.
//! - *inflation*: CPU time of the parallel run / CPU time of the sequential one. Above 1, the
//!   same work cost more with every thread running: shared memory bandwidth or caches, page
//!   faults, locks.
//! - speedup ≈ threads × busy / inflation, so the two split what is lost between them.
//! - *system*: share of the CPU time spent in the kernel (page faults of fresh memory), and
//!   the minor page faults per run.
//!
//! It also measures the machine itself, with one thread and then with every thread doing the
//! same: independent FMAs (compute), a dependent multiply chain (latency), reading and
//! updating a buffer far larger than the caches (memory bandwidth), and writing memory fresh
//! from the OS (first touch). These say what any kernel can expect from this machine.
//!
//! Usage: `cargo run --release --example profile_native -- [OUT.json] [REPEATS] [WORKLOAD...]`
//! (`./build.sh bench` builds it for the host CPU and writes `target/bench/profile.json`).

#[cfg(target_os = "linux")]
use std::hint::black_box;
#[cfg(target_os = "linux")]
use std::time::Instant;

#[cfg(target_os = "linux")]
use webpar::engine::{Ctx, JobSpec, Mode, WORKLOADS};

/// What the process's threads consumed so far.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    /// Nanoseconds on a CPU, summed over every thread (live ones: rayon's stay alive).
    cpu_ns: f64,
    /// Minor page faults of the process.
    faults: f64,
    /// System time of the process, in clock ticks (usually 10 ms).
    system_ticks: f64,
}

#[cfg(target_os = "linux")]
fn usage() -> Usage {
    let mut cpu_ns = 0.0;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let path = task.path().join("schedstat");
            if let Ok(text) = std::fs::read_to_string(path) {
                cpu_ns += text
                    .split_whitespace()
                    .next()
                    .and_then(|ns| ns.parse::<f64>().ok())
                    .unwrap_or(0.0);
            }
        }
    }
    // Fields after the command's closing parenthesis: state is 3rd, minflt 10th, stime 15th.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let field = |n: usize| {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .unwrap_or(0.0)
    };
    Usage {
        cpu_ns,
        faults: field(10),
        system_ticks: field(15),
    }
}

/// Wall time and usage of one run of `f`.
#[cfg(target_os = "linux")]
fn measured(f: impl FnOnce()) -> (f64, Usage) {
    let before = usage();
    let started = Instant::now();
    f();
    let wall_ms = started.elapsed().as_secs_f64() * 1e3;
    let after = usage();
    (
        wall_ms,
        Usage {
            cpu_ns: after.cpu_ns - before.cpu_ns,
            faults: after.faults - before.faults,
            system_ticks: after.system_ticks - before.system_ticks,
        },
    )
}

#[cfg(target_os = "linux")]
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Totals of a mode's runs.
#[cfg(target_os = "linux")]
#[derive(Default)]
struct Totals {
    walls: Vec<f64>,
    cpu_ms: Vec<f64>,
    faults: f64,
    system_ticks: f64,
}

#[cfg(target_os = "linux")]
impl Totals {
    fn add(&mut self, wall_ms: f64, used: Usage) {
        self.walls.push(wall_ms);
        self.cpu_ms.push(used.cpu_ns / 1e6);
        self.faults += used.faults;
        self.system_ticks += used.system_ticks;
    }

    fn json(&mut self) -> serde_json::Value {
        let runs = self.walls.len() as f64;
        let cpu_total: f64 = self.cpu_ms.iter().sum();
        let tick_ms = 1000.0 / ticks_per_second();
        serde_json::json!({
            "wall_ms": median(&mut self.walls),
            "cpu_ms": median(&mut self.cpu_ms),
            "faults_per_run": self.faults / runs,
            "system_share": if cpu_total > 0.0 { self.system_ticks * tick_ms / cpu_total } else { 0.0 },
        })
    }
}

/// Clock ticks per second of `/proc` times: 100 on every Linux this runs on.
#[cfg(target_os = "linux")]
fn ticks_per_second() -> f64 {
    100.0
}

#[cfg(target_os = "linux")]
fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next();
    let repeats: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("REPEATS is a whole number"));
    let only: Vec<String> = args.collect();
    // Both modes run on a thread of the pool, as the engine runs them (`spec.run` from
    // outside a pool would inject every chunk into it instead).
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .expect("a thread pool starts");
    let threads = pool.current_num_threads();
    let mut kernels = Vec::new();
    for workload in WORKLOADS {
        if workload.params.is_empty()
            || !(only.is_empty() || only.iter().any(|n| n == workload.name))
        {
            continue;
        }
        let spec = JobSpec::defaults(workload.name).expect("the catalogue's defaults are valid");
        let run = |mode| {
            pool.install(|| spec.run(&Ctx::new(), mode))
                .unwrap_or_else(|err| panic!("{}: {err}", workload.name));
        };
        // One of each first: allocations reach their steady state.
        run(Mode::Sequential);
        run(Mode::Parallel);
        let (mut seq, mut par) = (Totals::default(), Totals::default());
        for _ in 0..repeats {
            let (wall, used) = measured(|| run(Mode::Sequential));
            seq.add(wall, used);
            let (wall, used) = measured(|| run(Mode::Parallel));
            par.add(wall, used);
        }
        let (seq, par) = (seq.json(), par.json());
        let number = |v: &serde_json::Value, key: &str| v[key].as_f64().unwrap_or(0.0);
        let speedup = number(&seq, "wall_ms") / number(&par, "wall_ms");
        let busy = number(&par, "cpu_ms") / (threads as f64 * number(&par, "wall_ms"));
        let inflation = number(&par, "cpu_ms") / number(&seq, "cpu_ms");
        println!(
            "{:<13} {:>7.1} ms / {:>7.1} ms  speedup {speedup:.2}x  busy {:>5.1}%  inflation {inflation:.2}x  \
             system {:>4.1}% / {:>4.1}%  faults/run {:.0} / {:.0}",
            workload.name,
            number(&seq, "wall_ms"),
            number(&par, "wall_ms"),
            busy * 100.0,
            number(&seq, "system_share") * 100.0,
            number(&par, "system_share") * 100.0,
            number(&seq, "faults_per_run"),
            number(&par, "faults_per_run"),
        );
        kernels.push(serde_json::json!({
            "workload": workload.name,
            "threads": threads,
            "repeats": repeats,
            "sequential": seq,
            "parallel": par,
            "speedup": speedup,
            "busy": busy,
            "inflation": inflation,
        }));
    }
    let machine = machine(threads);
    if let Some(path) = out.filter(|path| path != "-") {
        let json = serde_json::json!({ "kernels": kernels, "machine": machine });
        let text = serde_json::to_string_pretty(&json).expect("rows serialize");
        std::fs::write(&path, text).unwrap_or_else(|err| panic!("cannot write {path}: {err}"));
    }
}

/// Throughput of `threads` threads each running `work(thread)` over one thread running it,
/// the best of seven tries (a ceiling: another tenant of a shared machine only lowers a
/// try): 2.0 on two threads means they do not slow each other down.
#[cfg(target_os = "linux")]
fn scaling(threads: usize, work: impl Fn(usize) + Sync) -> f64 {
    let ratios: Vec<f64> = (0..7)
        .map(|_| {
            let started = Instant::now();
            work(0);
            let one = started.elapsed().as_secs_f64();
            let started = Instant::now();
            std::thread::scope(|scope| {
                for thread in 0..threads {
                    let work = &work;
                    scope.spawn(move || work(thread));
                }
            });
            threads as f64 * one / started.elapsed().as_secs_f64()
        })
        .collect();
    ratios.into_iter().fold(0.0, f64::max)
}

/// Words of each thread's buffer in the memory probes: 128 MiB, far beyond the caches.
#[cfg(target_os = "linux")]
const BIG: usize = 16 << 20;

#[cfg(target_os = "linux")]
fn machine(threads: usize) -> serde_json::Value {
    let compute = scaling(threads, |_| {
        let mut lanes = [black_box(1.0f64); 32];
        let (m, c) = (black_box(0.999_999), black_box(1e-9));
        for _ in 0..10_000_000 {
            for lane in lanes.iter_mut() {
                *lane = lane.mul_add(m, c);
            }
        }
        black_box(lanes);
    });
    let latency = scaling(threads, |_| {
        let mut x = black_box(1u64);
        for _ in 0..100_000_000u64 {
            x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
        black_box(x);
    });
    let mut buffers: Vec<Vec<u64>> = (0..threads).map(|_| vec![1u64; BIG]).collect();
    let views: Vec<(usize, usize)> = buffers
        .iter_mut()
        .map(|b| (b.as_mut_ptr() as usize, b.len()))
        .collect();
    let started = Instant::now();
    let mut sum = 0u64;
    for _ in 0..4 {
        sum = sum.wrapping_add(buffers[0].iter().fold(0u64, |a, v| a.wrapping_add(*v)));
    }
    black_box(sum);
    let read_gb_s = 4.0 * (BIG * 8) as f64 / started.elapsed().as_secs_f64() / 1e9;
    let read = scaling(threads, |t| {
        // Each thread reads only its own buffer.
        let buffer = unsafe { std::slice::from_raw_parts(views[t].0 as *const u64, views[t].1) };
        let mut sum = 0u64;
        for _ in 0..4 {
            sum = sum.wrapping_add(buffer.iter().fold(0u64, |a, v| a.wrapping_add(*v)));
        }
        black_box(sum);
    });
    let update = scaling(threads, |t| {
        // Each thread writes only its own buffer.
        let buffer = unsafe { std::slice::from_raw_parts_mut(views[t].0 as *mut u64, views[t].1) };
        for _ in 0..4 {
            for word in buffer.iter_mut() {
                *word = word.wrapping_add(1);
            }
        }
        black_box(&buffer[0]);
    });
    drop(buffers);
    let first_touch = scaling(threads, |_| {
        let mut fresh: Vec<u64> = Vec::with_capacity(BIG);
        // Writing memory the OS has just handed out: a page fault per page.
        fresh.resize(BIG, 7);
        black_box(&fresh[BIG - 1]);
    });
    println!(
        "machine       {threads} threads: compute x{compute:.2}  latency x{latency:.2}  memory \
         read x{read:.2} ({read_gb_s:.1} GB/s on one thread)  update x{update:.2}  first touch \
         x{first_touch:.2}"
    );
    serde_json::json!({
        "threads": threads,
        "compute": compute,
        "latency": latency,
        "read": read,
        "read_gb_s_one_thread": read_gb_s,
        "update": update,
        "first_touch": first_touch,
    })
}

/// The profiler reads Linux's `/proc`; elsewhere it has nothing to read.
#[cfg(not(target_os = "linux"))]
fn main() {}
