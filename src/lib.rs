#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod engine;
mod error;
pub mod io;
pub mod kernels;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, ErrorKind};
