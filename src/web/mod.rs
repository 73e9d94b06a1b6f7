//! The JS boundary: the only module with `#[wasm_bindgen]`. It converts between JS values and
//! the engine's types, maps [`crate::Error`] to JS `Error`s with a stable `name`, and
//! delegates everything else to [`crate::engine`].

pub mod app;
mod clock;
mod controls;
mod convert;
mod errors;
mod input;
mod io;
mod js;
mod lab;
mod memory;
mod pipeline;
mod pool;
mod process;
mod runner;
mod timers;
mod url;

pub use errors::to_js_error;
pub use memory::memory_usage;
pub use pool::start_thread_pool;
pub use runner::Runner;
