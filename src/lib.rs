// The README and the Rust guide are the crate's documentation. The guide's Rust examples block
// on a future, which a browser's main thread must not do, so under wasm (where `wasm-pack
// test` runs the doc tests in a browser) the crate docs only point to them; native
// `cargo test` runs the examples.
#![cfg_attr(not(target_arch = "wasm32"), doc = include_str!("../README.md"))]
#![cfg_attr(not(target_arch = "wasm32"), doc = include_str!("../docs/guide/rust.md"))]
#![cfg_attr(
    target_arch = "wasm32",
    doc = "CPU-bound work on Web Worker threads and I/O-bound work on promise-backed futures; see README.md."
)]
#![deny(missing_docs)]

pub mod engine;
mod error;
pub mod io;
pub mod kernels;
pub mod lab;
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{with_article, Error, ErrorKind};
