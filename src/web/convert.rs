//! JS values in, plain objects out.
//!
//! Reading a caller's object runs the caller's code (getters, Proxy traps): every read here
//! goes through a `catch` binding, and a throw becomes an `InvalidParamsError` whose `cause`
//! is what was thrown.

use crate::with_article;
use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use super::errors::Failure;
use super::js::{fill_decimals, is_array, plain_entries};
use crate::engine::{RawValue, MAX_SAFE_INTEGER};
use crate::Error;

/// Most items read from an array option.
const MAX_ARRAY_ITEMS: u32 = 4096;

/// Serializes a report to a plain JS object (maps as objects, integers as numbers).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| Error::invalid(format!("could not convert the result: {err}")))
}

/// A checksum (any `u64`) as its decimal JS string, made by the JS engine: a string made in
/// wasm memory would be decoded with `TextDecoder` from a copy of the bytes (the memory is
/// shared), which costs more than a tiny task itself.
pub fn decimal(n: u64) -> JsValue {
    let made = if n as f64 <= MAX_SAFE_INTEGER {
        js_sys::Number::from(n as f64).to_string_with_radix(10).ok()
    } else {
        js_sys::BigInt::from(n).to_string(10).ok()
    };
    made.map_or_else(|| n.to_string().into(), Into::into)
}

/// Puts the decimal string of each checksum at its slot of `out`, in one call to JS.
pub fn fill_checksums(out: &js_sys::Array, slots: &[u32], checksums: &[u64]) {
    if checksums.is_empty() {
        return;
    }
    let values: JsValue = if checksums.iter().all(|&n| n as f64 <= MAX_SAFE_INTEGER) {
        let numbers: Vec<f64> = checksums.iter().map(|&n| n as f64).collect();
        js_sys::Float64Array::from(&numbers[..]).into()
    } else {
        js_sys::BigUint64Array::from(checksums).into()
    };
    fill_decimals(out, slots, &values);
}

/// How a JS value is described in error messages.
pub fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if is_array(value) == Ok(true) {
        "array".into()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "value".into())
    }
}

/// The workload name: must be a string.
pub fn workload_name(value: &JsValue) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        Error::invalid(format!(
            "the workload name must be a string, got {}; see runner.workloads() for the names",
            with_article(&type_name(value))
        ))
    })
}

/// The error for a caller's value that threw while it was read: `what` names it.
pub fn threw_while_read(what: &str, thrown: JsValue) -> Failure {
    Failure::caused_by(
        Error::invalid(format!(
            "{what} threw while it was read ({}); err.cause is what it threw. Pass a plain \
             object of plain values",
            js_error_message(&thrown)
        )),
        thrown,
    )
}

/// The error for `value` where a plain object was expected; `what` names it.
pub fn not_plain_object(what: &str, value: &JsValue) -> Failure {
    Error::invalid(format!(
        "{what} must be a plain object, got {}",
        with_article(&type_name(value))
    ))
    .into()
}

/// The entries of a plain object; `what` names it in errors. `undefined` is an empty object.
///
/// # Errors
/// `InvalidParams` for something other than an object, for one with more than 256 keys
/// (refused before any of its getters runs), and, with the thrown value as cause, for an
/// object whose getters or Proxy traps throw.
pub fn entries(value: &JsValue, what: &str) -> Result<Vec<(String, JsValue)>, Failure> {
    let pairs = plain_entries(value).map_err(|thrown| threw_while_read(what, thrown))?;
    if pairs.is_undefined() {
        return Ok(Vec::new());
    }
    if pairs.is_null() {
        return Err(not_plain_object(what, value));
    }
    if let Some(keys) = pairs.as_f64() {
        return Err(Error::invalid(format!(
            "{what} has {keys} keys, more than the 256 read: pass only the names it takes"
        ))
        .into());
    }
    let pairs: js_sys::Array = pairs.unchecked_into();
    // `Object.entries` returns fresh arrays of [string, value]: reading them runs no caller code.
    Ok(pairs
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect())
}

/// The items of an array the caller gave, read one by one (a Proxy's traps may throw); at
/// most [`MAX_ARRAY_ITEMS`].
///
/// # Errors
/// `InvalidParams` (with `param` = `name`) for something other than an array, a longer one,
/// or one whose reads throw (with the thrown value as cause).
pub fn array_items(value: &JsValue, name: &str) -> Result<Vec<JsValue>, Failure> {
    let what = format!("option {name:?}");
    let threw = |thrown| threw_while_read(&what, thrown).with_param(name);
    if !is_array(value).map_err(threw)? {
        return Err(
            Error::invalid(format!("{what} must be an array, got {}", describe(value)))
                .with_param(name)
                .into(),
        );
    }
    let length = Reflect::get(value, &"length".into())
        .map_err(threw)?
        .as_f64()
        .unwrap_or(0.0);
    if length > f64::from(MAX_ARRAY_ITEMS) {
        return Err(Error::invalid(format!(
            "{what} has {length} items; at most {MAX_ARRAY_ITEMS} are allowed"
        ))
        .with_param(name)
        .into());
    }
    (0..length as u32)
        .map(|index| Reflect::get_u32(value, index).map_err(threw))
        .collect()
}

/// The entries of a parameters object, as raw values for [`crate::engine::JobSpec::parse`].
pub fn raw_params(pairs: Vec<(String, JsValue)>) -> Vec<(String, RawValue)> {
    pairs
        .into_iter()
        .map(|(key, value)| {
            let raw = match value.as_f64() {
                Some(number) => RawValue::Number(number),
                None => RawValue::Other(type_name(&value)),
            };
            (key, raw)
        })
        .collect()
}

/// An optional whole-number option in `min..=max`.
pub fn integer_option(
    value: &JsValue,
    name: &str,
    min: u32,
    max: u32,
) -> Result<Option<u32>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    let fail = || {
        Err(Error::invalid(format!(
            "option {name:?} must be a whole number in {min}..={max}, got {}",
            describe(value)
        ))
        .with_param(name))
    };
    match value.as_f64() {
        Some(n)
            if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 && n <= MAX_SAFE_INTEGER =>
        {
            Ok(Some(n as u32))
        }
        _ => fail(),
    }
}

/// A value for an error message: numbers and strings as they are, other things by type.
pub fn describe(value: &JsValue) -> String {
    if let Some(n) = value.as_f64() {
        return n.to_string();
    }
    if let Some(s) = value.as_string() {
        return format!("{s:?}");
    }
    with_article(&type_name(value))
}

/// A thrown JS value for an error message: `Name: message` for an object with a string name
/// and message (an `Error`), else a description. Reads through `catch` bindings only: the
/// thrown value may itself be a hostile object.
pub fn js_error_message(err: &JsValue) -> String {
    if err.is_object() {
        let text = |key: &str| Reflect::get(err, &key.into()).ok()?.as_string();
        if let (Some(name), Some(message)) = (text("name"), text("message")) {
            return format!("{name}: {message}");
        }
    }
    describe(err)
}
