//! The wasm heap, counted: `memoryUsage()` tells how much of the memory's ceiling is in use.

use std::alloc::System;

use cap::Cap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::to_js;
use super::errors::to_js_error;
use crate::engine::MEMORY_CEILING;

/// The system allocator (dlmalloc on wasm) with a count of the bytes it has handed out and
/// not got back. The count is one relaxed atomic add per allocation.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(hashmap_as_object, missing_as_null)
)]
struct MemoryUsage {
    heap_bytes: usize,
    memory_bytes: f64,
    max_memory_bytes: u64,
}

/// How much wasm memory is in use: the heap's live bytes, the memory's size and its ceiling.
/// After every job has settled, `heapBytes` returns to where it was: a leak shows as growth.
#[wasm_bindgen(js_name = memoryUsage, unchecked_return_type = "MemoryUsage")]
pub fn memory_usage() -> Result<JsValue, JsValue> {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer = js_sys::Reflect::get(&memory.buffer(), &"byteLength".into())
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0);
    to_js(&MemoryUsage {
        heap_bytes: ALLOCATOR.allocated(),
        memory_bytes: buffer,
        max_memory_bytes: MEMORY_CEILING,
    })
    .map_err(|err| to_js_error(&err))
}
