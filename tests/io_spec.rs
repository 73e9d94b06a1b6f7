//! I/O spec validation: the bounds that keep an allowed job from freezing the page or running
//! for hours.

// The same tests run natively (`cargo test`) and in the browser (`./build.sh test`).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use webpar::io::{IoSpec, SpecValue, MAX_BATCH_SIZE, MAX_FETCH_CONCURRENCY, MAX_TOTAL_BACKOFF_MS};
use webpar::ErrorKind;

fn parse(fields: &[(&str, f64)]) -> Result<IoSpec, webpar::Error> {
    let mut entries = vec![("calls".to_string(), SpecValue::Number(100.0))];
    entries.extend(
        fields
            .iter()
            .map(|(key, value)| (key.to_string(), SpecValue::Number(*value))),
    );
    IoSpec::parse(&entries)
}

#[test]
fn retry_plans_whose_total_backoff_passes_the_ceiling_are_refused() {
    // 20 retries doubling from 1 ms wait 2^20 - 1 ms (17 minutes) in all.
    let err = parse(&[("retries", 20.0), ("retryBaseMs", 1.0)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParams);
    assert_eq!(err.param(), Some("retries"));
    assert!(err.message().contains("1048575 ms"), "{err}");
    assert!(err.message().contains("fewer retries"), "{err}");
    // One retry of the longest base is fine; two are not.
    assert!(parse(&[("retries", 1.0), ("retryBaseMs", 60_000.0)]).is_ok());
    assert!(parse(&[("retries", 3.0), ("retryBaseMs", 60_000.0)]).is_err());
}

#[test]
fn the_largest_allowed_retry_plans_stay_within_the_ceiling() {
    for retries in 0..=20u32 {
        let base = MAX_TOTAL_BACKOFF_MS / (2f64.powi(retries as i32) - 1.0).max(1.0);
        let base = base.floor().min(60_000.0);
        let spec = parse(&[("retries", f64::from(retries)), ("retryBaseMs", base)])
            .unwrap_or_else(|err| panic!("{retries} retries from {base} ms: {err}"));
        let plan = spec.plan;
        let total = plan.retry_base_ms * (2f64.powi(plan.retries as i32) - 1.0);
        assert!(total <= MAX_TOTAL_BACKOFF_MS);
    }
    // Zero backoff allows every retry count.
    assert!(parse(&[("retries", 20.0), ("retryBaseMs", 0.0)]).is_ok());
}

#[test]
fn one_batch_is_at_most_the_batch_ceiling() {
    assert!(parse(&[("batchSize", MAX_BATCH_SIZE as f64)]).is_ok());
    let err = parse(&[("batchSize", MAX_BATCH_SIZE as f64 + 1.0)]).unwrap_err();
    assert_eq!(err.param(), Some("batchSize"));
    assert!(err.message().contains("1..=10000"), "{err}");
}

#[test]
fn fetches_in_flight_are_capped_and_timers_are_not() {
    let fetch = |concurrency: u32| {
        IoSpec::parse(&[
            ("source".into(), SpecValue::Text("fetch".into())),
            ("url".into(), SpecValue::Text("/api/delay?i={i}".into())),
            ("calls".into(), SpecValue::Number(10.0)),
            (
                "concurrency".into(),
                SpecValue::Number(f64::from(concurrency)),
            ),
        ])
    };
    assert!(fetch(MAX_FETCH_CONCURRENCY).is_ok());
    let err = fetch(MAX_FETCH_CONCURRENCY + 1).unwrap_err();
    assert_eq!(err.param(), Some("concurrency"));
    assert!(err.message().contains("6 connections per host"), "{err}");
    assert!(parse(&[("concurrency", 100_000.0)]).is_ok());
}
