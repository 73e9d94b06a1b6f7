//! Validation: every way input can be wrong gives the right error kind and a message that
//! names the parameter and what to pass; nothing can panic.

// The same tests run natively (`cargo test`) and in the browser (`./build.sh test`, or
// `wasm-pack test --headless --chrome`).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use webpar::engine::{JobSpec, RawValue, WORKLOADS};
use webpar::ErrorKind;

fn parse(name: &str, params: &[(&str, RawValue)]) -> Result<JobSpec, webpar::Error> {
    let params: Vec<(String, RawValue)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    JobSpec::parse(name, &params)
}

fn n(value: f64) -> RawValue {
    RawValue::Number(value)
}

fn invalid(name: &str, params: &[(&str, RawValue)], expect_in_message: &[&str]) {
    let err = parse(name, params).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParams, "{err}");
    for needle in expect_in_message {
        assert!(
            err.message().contains(needle),
            "{err:?} should mention {needle:?}"
        );
    }
}

#[test]
fn defaults_of_every_workload_are_valid() {
    for workload in WORKLOADS {
        let params: Vec<(&str, RawValue)> = workload
            .params
            .iter()
            .map(|p| (p.name, n(p.default as f64)))
            .collect();
        let spec = parse(workload.name, &params).unwrap();
        assert_eq!(
            spec.values(),
            JobSpec::defaults(workload.name).unwrap().values()
        );
        for p in workload.params {
            assert!(
                p.min <= p.default && p.default <= p.max,
                "{}.{}",
                workload.name,
                p.name
            );
        }
    }
}

#[test]
fn unknown_workload_lists_the_names() {
    let err = parse("prime", &[]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownWorkload);
    assert!(err.message().contains("primes") && err.message().contains("mandelbrot"));
}

#[test]
fn missing_param_names_it_and_its_range() {
    invalid(
        "mandelbrot",
        &[("width", n(10.0)), ("height", n(10.0))],
        &["missing", "max_iter", "1..=100000"],
    );
}

#[test]
fn extra_param_is_refused() {
    invalid(
        "primes",
        &[("below", n(10.0)), ("blow", n(1.0))],
        &["unknown param", "blow", "below"],
    );
}

#[test]
fn wrongly_typed_param_is_refused() {
    invalid(
        "primes",
        &[("below", RawValue::Other("string".into()))],
        &["below", "must be a number", "string"],
    );
}

#[test]
fn non_finite_negative_fractional_and_out_of_range_numbers_are_refused() {
    invalid("primes", &[("below", n(f64::NAN))], &["finite", "NaN"]);
    invalid("primes", &[("below", n(f64::INFINITY))], &["finite"]);
    invalid(
        "primes",
        &[("below", n(-5.0))],
        &["out of range", "0..=1000000000"],
    );
    invalid("primes", &[("below", n(2.5))], &["whole number", "2.5"]);
    invalid("primes", &[("below", n(1e10))], &["out of range"]);
    invalid("countdown", &[("n", n(0.0))], &["out of range", "1..="]);
    invalid("sum", &[("n", n(1e300))], &["out of range"]);
}

#[test]
fn errors_name_the_param_for_forms() {
    let err = parse(
        "mandelbrot",
        &[("width", n(0.0)), ("height", n(1.0)), ("max_iter", n(1.0))],
    )
    .unwrap_err();
    assert_eq!(err.param(), Some("width"));
}

#[test]
fn edges_of_every_range_are_accepted() {
    for workload in WORKLOADS {
        for edge in [
            |p: &webpar::engine::ParamSpec| p.min,
            |p: &webpar::engine::ParamSpec| p.max,
        ] {
            let params: Vec<(&str, RawValue)> = workload
                .params
                .iter()
                .map(|p| (p.name, n(edge(p) as f64)))
                .collect();
            parse(workload.name, &params).unwrap();
        }
    }
}

#[test]
fn memory_of_a_huge_sum_exceeds_the_budget() {
    let spec = parse("sum", &[("n", n(200_000_000.0))]).unwrap();
    assert_eq!(spec.memory_bytes(), 1_600_000_000);
    let err = webpar::engine::GLOBAL_BUDGET
        .admit(spec.memory_bytes(), "sum")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OverBudget);
    assert!(err.message().contains("MiB"));
}
