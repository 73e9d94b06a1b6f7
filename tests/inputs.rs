//! The `input` form of every workload: the real output, checked against a reference computed
//! here, and the same output and checksum in every mode.

use webpar::engine::{find_workload, Ctx, Input, JobSpec, Mode, Produced, WORKLOADS};
use webpar::kernels::equations::System;
use webpar::kernels::mandelbrot::{escape_time, View};
use webpar::kernels::matmul::Matrix;
use webpar::kernels::nbody::Bodies;
use webpar::kernels::sha256::{Message, Source, STREAM_SLICE};
use webpar::kernels::sort::Numbers;
use webpar::kernels::{mix, wordcount::WordCounts};

/// Runs `input` in every mode; asserts they agree and returns the output.
fn run_all_modes(input: &Input) -> Produced {
    let (first, checksum) = input.run(&Ctx::new(), Mode::Sequential).unwrap();
    for mode in [Mode::Parallel, Mode::Threads(1), Mode::Threads(3)] {
        let (output, sum) = input.run(&Ctx::new(), mode).unwrap();
        // Compared as text: NaN != NaN, but two NaNs print alike.
        let same = format!("{output:?}") == format!("{first:?}");
        assert!(
            same,
            "{} in {mode:?} computed another output",
            input.workload()
        );
        assert_eq!(sum, checksum, "{} in {mode:?}", input.workload());
    }
    first
}

fn f64s(n: usize, seed: u64) -> Vec<f64> {
    (0..n)
        .map(|i| (mix(i as u64 ^ seed) >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
        .collect()
}

#[test]
fn every_workload_with_an_input_form_has_a_case_here() {
    let covered = [
        "sort",
        "sum",
        "sha256",
        "mandelbrot",
        "matmul",
        "equations",
        "primes",
        "nbody",
        "wordcount",
        "option_pricing",
    ];
    for workload in WORKLOADS {
        assert_eq!(
            workload.input.is_some(),
            covered.contains(&workload.name),
            "{}: add a test of its input form",
            workload.name
        );
    }
}

#[test]
fn sum_adds_every_integer_type_exactly_in_every_mode_and_part() {
    let n = 200_003; // several chunks, and a short last one
    let ints: Vec<i32> = (0..n)
        .map(|i| (mix(i as u64) >> 33) as i32 - (1 << 30))
        .collect();
    let exact: i64 = ints.iter().map(|&v| i64::from(v)).sum();
    let uints: Vec<u32> = ints.iter().map(|&v| v as u32).collect();
    let uexact: i64 = uints.iter().map(|&v| i64::from(v)).sum();
    let wide: Vec<u64> = (0..n).map(|i| mix(i as u64)).collect();
    let wrapped = wide.iter().fold(0u64, |a, &v| a.wrapping_add(v)) as i64;
    for (values, expected) in [
        (Numbers::I32(ints), exact),
        (Numbers::U32(uints), uexact),
        (
            Numbers::I64(wide.iter().map(|&v| v as i64).collect()),
            wrapped,
        ),
        (Numbers::U64(wide), wrapped),
    ] {
        let input = Input::Sum(values.clone());
        assert_eq!(run_all_modes(&input), Produced::Total(expected));
        // Parts add up (wrapping) to the whole, however the array is cut.
        for of in [1u32, 2, 3, 7, 64] {
            let parts = (0..of).fold(0u64, |total, index| {
                let part =
                    webpar::kernels::sum::total(&values, &Ctx::new(), Mode::Part { index, of });
                total.wrapping_add(part.unwrap() as u64)
            });
            assert_eq!(parts as i64, expected, "{of} parts");
        }
    }
    for floats in [Numbers::F64(vec![1.5]), Numbers::F32(vec![1.5])] {
        let err = Input::Sum(floats)
            .run(&Ctx::new(), Mode::Sequential)
            .unwrap_err();
        assert!(err.message().contains("integers"), "{}", err.message());
    }
}

#[test]
fn sort_orders_every_type_like_the_standard_sort() {
    let n = 300_000; // several runs of 64 Ki, so the merge passes run
    let mut floats = f64s(n, 1);
    floats[7] = f64::NAN;
    floats[8] = -0.0;
    floats[9] = 0.0;
    floats[10] = f64::NEG_INFINITY;
    let Produced::Sorted(Numbers::F64(sorted)) =
        run_all_modes(&Input::Sort(Numbers::F64(floats.clone())))
    else {
        panic!("not f64")
    };
    let mut expected = floats.clone();
    expected.sort_by(|a, b| {
        a.partial_cmp(b)
            .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
    });
    assert!(sorted[n - 1].is_nan());
    assert_eq!(sorted[0], f64::NEG_INFINITY);
    let zeros: Vec<bool> = sorted
        .iter()
        .filter(|v| **v == 0.0)
        .map(|v| v.is_sign_negative())
        .collect();
    assert_eq!(zeros, [true, false], "-0 before +0");
    assert_eq!(&sorted[..n - 1], &expected[..n - 1]);

    let ints: Vec<i32> = (0..n).map(|i| mix(i as u64) as i32).collect();
    let Produced::Sorted(Numbers::I32(sorted)) =
        run_all_modes(&Input::Sort(Numbers::I32(ints.clone())))
    else {
        panic!("not i32")
    };
    let mut expected = ints;
    expected.sort_unstable();
    assert_eq!(sorted, expected);

    let big: Vec<i64> = (0..1000).map(|i| mix(i) as i64).collect();
    let Produced::Sorted(Numbers::I64(sorted)) =
        run_all_modes(&Input::Sort(Numbers::I64(big.clone())))
    else {
        panic!("not i64")
    };
    let mut expected = big;
    expected.sort_unstable();
    assert_eq!(sorted, expected);

    let singles: Vec<f32> = vec![2.5, -1.0, f32::NAN, 0.0, -0.0, -3.5];
    let Produced::Sorted(Numbers::F32(sorted)) = run_all_modes(&Input::Sort(Numbers::F32(singles)))
    else {
        panic!("not f32")
    };
    assert_eq!(&sorted[..5], &[-3.5, -1.0, -0.0, 0.0, 2.5]);
    assert!(sorted[1].is_sign_negative() && sorted[2].is_sign_negative() && sorted[5].is_nan());

    for numbers in [
        Numbers::U32(vec![3, 1, u32::MAX, 0]),
        Numbers::U64(vec![u64::MAX, 0, 5]),
    ] {
        let Produced::Sorted(sorted) = run_all_modes(&Input::Sort(numbers)) else {
            panic!()
        };
        match sorted {
            Numbers::U32(v) => assert_eq!(v, [0, 1, 3, u32::MAX]),
            Numbers::U64(v) => assert_eq!(v, [0, 5, u64::MAX]),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn sha256_matches_the_published_vectors() {
    let messages = vec![
        b"".to_vec(),
        b"abc".to_vec(),
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".to_vec(),
        vec![b'a'; 1_000_000],
    ];
    let messages = messages.into_iter().map(Message::Bytes).collect();
    let Produced::Digests(digests) = run_all_modes(&Input::Sha256(messages)) else {
        panic!()
    };
    let hex: Vec<String> = digests
        .iter()
        .map(|d| d.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    assert_eq!(
        hex,
        [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        ]
    );
}

/// A message made on demand, slice by slice, that counts the bytes of the slices alive at
/// once (a slice lives from its read until the hasher drops it).
struct Made {
    len: u64,
    /// Reads fail from this offset on, when set.
    fails_at: Option<u64>,
    reads: std::sync::atomic::AtomicU64,
}

impl Made {
    fn byte(at: u64) -> u8 {
        (mix(at / 64) >> (at % 64 / 8 * 8)) as u8
    }
}

impl Source for Made {
    fn len(&self) -> u64 {
        self.len
    }
    fn read(&self, range: std::ops::Range<u64>) -> Result<Vec<u8>, webpar::Error> {
        assert!(
            range.end - range.start <= STREAM_SLICE,
            "a slice of {range:?}"
        );
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.fails_at.is_some_and(|at| range.end > at) {
            return Err(webpar::Error::new(
                webpar::ErrorKind::InvalidParams,
                "input[0]: the Blob could not be read",
            )
            .with_param("input"));
        }
        Ok(range.map(Made::byte).collect())
    }
}

#[test]
fn sha256_hashes_a_streamed_message_slice_by_slice_as_it_reads_it() {
    let len = 2 * STREAM_SLICE + 12_345;
    let whole: Vec<u8> = (0..len).map(Made::byte).collect();
    let made = std::sync::Arc::new(Made {
        len,
        fails_at: None,
        reads: Default::default(),
    });
    let streamed = Input::Sha256(vec![
        Message::Bytes(b"abc".to_vec()),
        Message::Streamed(made.clone()),
        Message::Streamed(std::sync::Arc::new(Made {
            len: 0,
            fails_at: None,
            reads: Default::default(),
        })),
    ]);
    let in_memory = Input::Sha256(vec![
        Message::Bytes(b"abc".to_vec()),
        Message::Bytes(whole),
        Message::Bytes(Vec::new()),
    ]);
    let (a, sum_a) = streamed.run(&Ctx::new(), Mode::Parallel).unwrap();
    let (b, sum_b) = in_memory.run(&Ctx::new(), Mode::Parallel).unwrap();
    assert_eq!((a, sum_a), (b, sum_b));
    // Three slices per run: the whole message was never asked for at once.
    assert_eq!(made.reads.load(std::sync::atomic::Ordering::Relaxed), 3);
    run_all_modes(&streamed);
}

#[test]
fn sha256_fails_with_the_sources_error_and_stops_when_cancelled() {
    let failing = Input::Sha256(vec![Message::Streamed(std::sync::Arc::new(Made {
        len: 3 * STREAM_SLICE,
        fails_at: Some(STREAM_SLICE + 1),
        reads: Default::default(),
    }))]);
    let err = failing.run(&Ctx::new(), Mode::Parallel).unwrap_err();
    assert_eq!(err.kind(), webpar::ErrorKind::InvalidParams);
    assert_eq!(err.param(), Some("input"));
    let made = std::sync::Arc::new(Made {
        len: 3 * STREAM_SLICE,
        fails_at: None,
        reads: Default::default(),
    });
    let ctx = Ctx::new();
    ctx.cancel(webpar::engine::StopReason::Abort);
    let input = Input::Sha256(vec![Message::Streamed(made.clone())]);
    assert_eq!(
        input.run(&ctx, Mode::Parallel).unwrap_err().kind(),
        webpar::ErrorKind::Aborted
    );
    assert_eq!(
        made.reads.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "read nothing once cancelled"
    );
}

/// A source whose slices are shorter than asked: the message changed while it was read.
struct Shrunk;
impl Source for Shrunk {
    fn len(&self) -> u64 {
        100
    }
    fn read(&self, range: std::ops::Range<u64>) -> Result<Vec<u8>, webpar::Error> {
        Ok(vec![0; (range.end - range.start) as usize / 2])
    }
}

#[test]
fn sha256_refuses_a_message_that_changed_while_it_was_read() {
    let err = Input::Sha256(vec![Message::Streamed(std::sync::Arc::new(Shrunk))])
        .run(&Ctx::new(), Mode::Sequential)
        .unwrap_err();
    assert_eq!(err.param(), Some("input"));
    assert!(
        err.message().contains("changed while it was hashed"),
        "{}",
        err.message()
    );
}

#[test]
fn mandelbrot_colors_each_pixel_by_its_escape_time() {
    let view = View {
        center_re: -0.5,
        center_im: 0.0,
        scale: 0.02,
        width: 50,
        height: 40,
        max_iter: 300,
    };
    let Produced::Image {
        width,
        height,
        rgba,
    } = run_all_modes(&Input::Mandelbrot(view))
    else {
        panic!()
    };
    assert_eq!((width, height, rgba.len()), (50, 40, 50 * 40 * 4));
    // The center pixel (-0.5, 0) is inside the set: black; the top-left corner escapes.
    let at = |col: usize, row: usize| &rgba[(row * 50 + col) * 4..][..4];
    assert_eq!(escape_time(-0.5, 0.0, 300), 300);
    assert_eq!(at(25, 20), [0, 0, 0, 255]);
    assert_ne!(at(0, 0), [0, 0, 0, 255]);
    assert!(rgba.chunks(4).all(|p| p[3] == 255));
}

#[test]
fn matmul_matches_the_textbook_loop() {
    let (m, k, n) = (70, 131, 65); // not multiples of the tile
    let a = Matrix {
        rows: m,
        cols: k,
        data: f64s(m * k, 2),
    };
    let b = Matrix {
        rows: k,
        cols: n,
        data: f64s(k * n, 3),
    };
    let Produced::Product(c) = run_all_modes(&Input::Matmul(a.clone(), b.clone())) else {
        panic!()
    };
    assert_eq!((c.rows, c.cols), (m, n));
    for i in 0..m {
        for j in 0..n {
            let expected: f64 = (0..k).map(|t| a.data[i * k + t] * b.data[t * n + j]).sum();
            assert!((c.data[i * n + j] - expected).abs() < 1e-12, "({i}, {j})");
        }
    }
}

#[test]
fn equations_solve_each_system_and_report_singular_ones() {
    let size = 40;
    let matrix = f64s(size * size, 4);
    let x: Vec<f64> = (0..size).map(|i| i as f64 - 3.0).collect();
    let rhs: Vec<f64> = (0..size)
        .map(|r| (0..size).map(|c| matrix[r * size + c] * x[c]).sum())
        .collect();
    let mut singular = matrix.clone();
    singular[size..2 * size].copy_from_slice(&matrix[..size]); // two equal rows
    let systems = vec![
        System {
            size,
            matrix,
            rhs: rhs.clone(),
        },
        System {
            size,
            matrix: singular,
            rhs,
        },
        System {
            size: 1,
            matrix: vec![4.0],
            rhs: vec![2.0],
        },
    ];
    let Produced::Solutions(solutions) = run_all_modes(&Input::Equations(systems)) else {
        panic!()
    };
    let solved = solutions[0].as_ref().unwrap();
    assert!(solved.iter().zip(&x).all(|(a, b)| (a - b).abs() < 1e-8));
    assert!(solutions[1].is_none(), "two equal rows: singular");
    assert_eq!(solutions[2], Some(vec![0.5]));
}

#[test]
fn primes_lists_what_a_sieve_finds() {
    let below = 200_000u32;
    let mut composite = vec![false; below as usize];
    let mut expected = Vec::new();
    for k in 2..below as usize {
        if !composite[k] {
            expected.push(k as u32);
            (k * k..below as usize)
                .step_by(k)
                .for_each(|j| composite[j] = true);
        }
    }
    let Produced::Primes(primes) = run_all_modes(&Input::Primes(below)) else {
        panic!()
    };
    assert_eq!(primes, expected);
    assert_eq!(run_all_modes(&Input::Primes(0)), Produced::Primes(vec![]));
}

#[test]
fn nbody_conserves_momentum() {
    let n = 100;
    let bodies = Bodies {
        positions: (0..n)
            .map(|i| [0, 1, 2].map(|a| f64s(1, i * 3 + a)[0]))
            .collect(),
        velocities: (0..n)
            .map(|i| [0, 1, 2].map(|a| f64s(1, 1000 + i * 3 + a)[0] * 0.1))
            .collect(),
        masses: (0..n).map(|i| 1.0 + (i % 3) as f64).collect(),
    };
    let momentum = |b: &Bodies| -> [f64; 3] {
        [0, 1, 2].map(|a| {
            b.velocities
                .iter()
                .zip(&b.masses)
                .map(|(v, m)| v[a] * m)
                .sum()
        })
    };
    let Produced::Bodies(after) = run_all_modes(&Input::Nbody {
        bodies: bodies.clone(),
        steps: 20,
        dt: 1e-3,
    }) else {
        panic!()
    };
    assert_ne!(after.positions, bodies.positions);
    let (p0, p1) = (momentum(&bodies), momentum(&after));
    for axis in 0..3 {
        assert!(
            (p0[axis] - p1[axis]).abs() < 1e-9,
            "momentum changed on axis {axis}"
        );
    }
}

#[test]
fn wordcount_counts_across_piece_boundaries() {
    // 3 MiB of text: several pieces, cut only between words.
    let unit = "alpha beta, Gamma! beta\ngamma ";
    let big = unit.repeat(3 * 1024 * 1024 / unit.len());
    let copies = (big.len() / unit.len()) as u64;
    let texts = vec![big.into_bytes(), "Élan élan".as_bytes().to_vec()];
    let input = Input::Wordcount { texts, top: 2 };
    let Produced::Words(WordCounts {
        per_input,
        total,
        distinct,
        top,
    }) = run_all_modes(&input)
    else {
        panic!()
    };
    assert_eq!(per_input, [5 * copies, 2]);
    assert_eq!(total, 5 * copies + 2);
    assert_eq!(distinct, 4);
    assert_eq!(
        top,
        [
            ("beta".to_string(), 2 * copies),
            ("gamma".to_string(), 2 * copies)
        ]
    );
}

#[test]
fn an_input_job_reports_its_sizes_and_memory() {
    let spec = JobSpec::from_input(Input::Sort(Numbers::F64(vec![1.0; 10]))).unwrap();
    assert_eq!(spec.workload().name, "sort");
    assert_eq!(spec.named_values().get("n"), Some(&10));
    assert_eq!(spec.memory_bytes(), 10 * (16 + 8));
    assert!(find_workload("wordcount").unwrap().input.is_some());
}

/// Black–Scholes' closed form of a European option's price.
fn black_scholes(
    call: bool,
    spot: f64,
    strike: f64,
    rate: f64,
    volatility: f64,
    years: f64,
) -> f64 {
    // The normal CDF through erfc (Numerical Recipes' erfcc, |error| < 1.2e-7).
    let erfc = |x: f64| {
        let z = x.abs();
        let t = 1.0 / (1.0 + 0.5 * z);
        let r = t
            * (-z * z - 1.265_512_23
                + t * (1.000_023_68
                    + t * (0.374_091_96
                        + t * (0.096_784_18
                            + t * (-0.186_288_06
                                + t * (0.278_868_07
                                    + t * (-1.135_203_98
                                        + t * (1.488_515_87
                                            + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
                .exp();
        if x >= 0.0 {
            r
        } else {
            2.0 - r
        }
    };
    let cdf = |x: f64| 0.5 * erfc(-x / std::f64::consts::SQRT_2);
    let d1 = ((spot / strike).ln() + (rate + volatility * volatility / 2.0) * years)
        / (volatility * years.sqrt());
    let d2 = d1 - volatility * years.sqrt();
    let discounted = strike * (-rate * years).exp();
    if call {
        spot * cdf(d1) - discounted * cdf(d2)
    } else {
        discounted * cdf(-d2) - spot * cdf(-d1)
    }
}

/// Runs option_pricing's input form on `json` in `mode`: the output as JSON, and the checksum.
fn price(json: serde_json::Value, mode: Mode) -> Result<(serde_json::Value, u64), webpar::Error> {
    let input = find_workload("option_pricing")?.read_input(json)?;
    let (output, checksum) = input.run(&Ctx::new(), mode)?;
    let Produced::Custom(output) = output else {
        unreachable!()
    };
    Ok((serde_json::to_value(&output).unwrap(), checksum))
}

#[test]
fn option_pricing_converges_to_black_scholes_with_the_same_bits_in_every_mode() {
    let contracts = serde_json::json!({
        "options": [
            { "kind": "call", "spot": 100, "strike": 100, "rate": 0.05, "volatility": 0.2, "years": 1 },
            { "kind": "put", "spot": 100, "strike": 100, "rate": 0.05, "volatility": 0.2, "years": 1 },
            { "kind": "call", "spot": 42, "strike": 40, "rate": 0.1, "volatility": 0.2, "years": 0.5 },
            { "kind": "put", "spot": 90, "strike": 110, "rate": 0.02, "volatility": 0.45, "years": 2 },
        ],
        "paths": 400_000,
        "seed": 7,
    });
    let (output, checksum) = price(contracts.clone(), Mode::Sequential).unwrap();
    for mode in [Mode::Parallel, Mode::Threads(1), Mode::Threads(3)] {
        assert_eq!(
            price(contracts.clone(), mode).unwrap(),
            (output.clone(), checksum),
            "{mode:?}"
        );
    }
    let expected = [
        black_scholes(true, 100.0, 100.0, 0.05, 0.2, 1.0),
        black_scholes(false, 100.0, 100.0, 0.05, 0.2, 1.0),
        black_scholes(true, 42.0, 40.0, 0.1, 0.2, 0.5),
        black_scholes(false, 90.0, 110.0, 0.02, 0.45, 2.0),
    ];
    // Hull's textbook values of the first three.
    assert!((expected[0] - 10.4506).abs() < 1e-3 && (expected[1] - 5.5735).abs() < 1e-3);
    assert!((expected[2] - 4.7594).abs() < 1e-3);
    for (i, want) in expected.iter().enumerate() {
        let got = output["prices"][i].as_f64().unwrap();
        let error = output["standardErrors"][i].as_f64().unwrap();
        assert!(
            error > 0.0 && error < 0.05,
            "contract {i}: standard error {error}"
        );
        assert!(
            (got - want).abs() < 4.0 * error,
            "contract {i}: {got} against {want} ± {error}"
        );
    }
    // Another seed, other draws.
    let mut reseeded = contracts.clone();
    reseeded["seed"] = 8.into();
    assert_ne!(
        price(reseeded, Mode::Parallel).unwrap().0["prices"],
        output["prices"]
    );
}

#[test]
fn option_pricing_without_volatility_is_the_discounted_forward() {
    let contracts = serde_json::json!({
        "options": [
            { "kind": "call", "spot": 100, "strike": 90, "rate": 0.03, "volatility": 0, "years": 2 },
            { "kind": "put", "spot": 100, "strike": 90, "rate": 0.03, "volatility": 0, "years": 2 },
        ],
        "paths": 1,
    });
    let (output, _) = price(contracts, Mode::Parallel).unwrap();
    let forward = 100.0 - 90.0 * (-0.06f64).exp();
    assert!((output["prices"][0].as_f64().unwrap() - forward).abs() < 1e-9);
    assert_eq!(output["prices"][1].as_f64().unwrap(), 0.0);
    assert_eq!(output["standardErrors"][0].as_f64().unwrap(), 0.0);
}

#[test]
fn option_pricing_names_the_field_it_cannot_price() {
    let option = serde_json::json!({ "kind": "call", "spot": 100, "strike": 100, "rate": 0.05, "volatility": 0.2, "years": 1 });
    let cases = [
        (
            serde_json::json!({ "options": [option, { "kind": "call", "spot": -1, "strike": 100, "rate": 0.05, "volatility": 0.2, "years": 1 }] }),
            "input.options[1].spot",
        ),
        (
            serde_json::json!({ "options": [{ "kind": "swap", "spot": 1, "strike": 1, "rate": 0, "volatility": 0, "years": 1 }] }),
            "input.options[0].kind",
        ),
        (
            serde_json::json!({ "options": [{ "kind": "put", "spot": 1, "strik": 1, "rate": 0, "volatility": 0, "years": 1 }] }),
            "input.options[0].strik",
        ),
        (
            serde_json::json!({ "options": [option], "paths": 0 }),
            "input.paths",
        ),
        (
            serde_json::json!({ "options": [{ "kind": "put", "spot": 1, "strike": 1, "rate": 0, "volatility": -0.1, "years": 1 }] }),
            "input.options[0].volatility",
        ),
        (serde_json::json!([option]), "input[0]"),
    ];
    for (json, param) in cases {
        let err = price(json.clone(), Mode::Parallel).unwrap_err();
        assert_eq!(err.kind(), webpar::ErrorKind::InvalidParams, "{json}");
        assert_eq!(err.param(), Some(param), "{json}: {err}");
    }
}

#[test]
fn option_pricing_splits_into_parts_that_add_up_and_prices_nothing_for_no_contracts() {
    let spec = JobSpec::parse(
        "option_pricing",
        &[
            ("options".into(), webpar::engine::RawValue::Number(5.0)),
            ("paths".into(), webpar::engine::RawValue::Number(300_001.0)),
        ],
    )
    .unwrap();
    let whole = spec.run(&Ctx::new(), Mode::Sequential).unwrap().1;
    assert_eq!(spec.run(&Ctx::new(), Mode::Parallel).unwrap().1, whole);
    for of in [2u32, 3, 7, 400] {
        let sum = (0..of).fold(0u64, |acc, index| {
            acc.wrapping_add(spec.run(&Ctx::new(), Mode::Part { index, of }).unwrap().1)
        });
        assert_eq!(sum, whole, "{of} parts");
    }
    let (output, _) = price(serde_json::json!({ "options": [] }), Mode::Parallel).unwrap();
    assert_eq!(
        output,
        serde_json::json!({ "prices": [], "standardErrors": [] })
    );
    // The defaults' checksum is the wasm builds' (docs/benchmarks.md): the math is the libm
    // crate's, not the platform's, so native and wasm compute the same bits.
    let defaults = JobSpec::defaults("option_pricing").unwrap();
    assert_eq!(
        defaults.run(&Ctx::new(), Mode::Parallel).unwrap().1,
        10_266_648_925_668_649_925
    );
}
