//! JS values in, plain objects out.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::{RawValue, MAX_SAFE_INTEGER};
use crate::Error;

/// Serializes a report to a plain JS object (maps as objects, integers as numbers).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| Error::invalid(format!("could not convert the result: {err}")))
}

/// How a JS value is described in error messages.
pub fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(value) {
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
            "the workload name must be a string, got a {}; see runner.workloads() for the names",
            type_name(value)
        ))
    })
}

/// The entries of a plain object; `what` names it in errors. `undefined` is an empty object.
pub fn entries(value: &JsValue, what: &str) -> Result<Vec<(String, JsValue)>, Error> {
    if value.is_undefined() {
        return Ok(Vec::new());
    }
    if !value.is_object() || js_sys::Array::is_array(value) || value.is_function() {
        return Err(Error::invalid(format!(
            "{what} must be a plain object, got a {}",
            type_name(value)
        )));
    }
    let object: &js_sys::Object = value.unchecked_ref();
    Ok(js_sys::Object::entries(object)
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect())
}

/// The parameters object, as raw values for [`crate::engine::JobSpec::parse`].
pub fn raw_params(value: &JsValue) -> Result<Vec<(String, RawValue)>, Error> {
    Ok(entries(value, "params")?
        .into_iter()
        .map(|(key, value)| {
            let raw = match value.as_f64() {
                Some(number) => RawValue::Number(number),
                None => RawValue::Other(type_name(&value)),
            };
            (key, raw)
        })
        .collect())
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
    format!("a {}", type_name(value))
}

/// A thrown JS value for an error message: `Name: message` for an `Error`, else a description.
pub fn js_error_message(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .unwrap_or_else(|| describe(err))
}
