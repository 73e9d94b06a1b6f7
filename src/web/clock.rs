//! `performance.now()`, on whichever thread asks (window or worker).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Milliseconds since the thread's time origin; 5 µs resolution when cross-origin isolated.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn performance_now() -> f64;
}
