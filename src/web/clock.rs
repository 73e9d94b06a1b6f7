//! `performance.now()`, on whichever thread asks (window or worker).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Milliseconds since the thread's time origin; 5 µs resolution when cross-origin isolated.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn performance_now() -> f64;
}

#[wasm_bindgen]
extern "C" {
    /// When this thread's `performance.now()` was 0, in milliseconds since the epoch.
    #[wasm_bindgen(thread_local_v2, js_namespace = performance, js_name = timeOrigin)]
    static TIME_ORIGIN: f64;
}

/// The page's time origin (f64 bits), for [`shared_clock`]; 0 until a page thread sets it.
static PAGE_ORIGIN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Makes [`shared_clock`] read the calling thread's clock (the page's): call it on the page
/// before a job whose timeline is recorded. In an instance without shared memory (an
/// isolated worker) it is never called, and [`shared_clock`] reads milliseconds since the
/// epoch.
pub fn mark_page_origin() {
    let origin = TIME_ORIGIN.with(|origin| *origin);
    PAGE_ORIGIN.store(origin.to_bits(), std::sync::atomic::Ordering::Relaxed);
}

/// One clock for every thread of the instance: the page's `performance.now()` (after
/// [`mark_page_origin`]), read on any worker through its own time origin. What timelines are
/// recorded on.
pub fn shared_clock() -> f64 {
    let page = f64::from_bits(PAGE_ORIGIN.load(std::sync::atomic::Ordering::Relaxed));
    TIME_ORIGIN.with(|origin| *origin) - page + performance_now()
}
