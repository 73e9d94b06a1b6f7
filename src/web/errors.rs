//! [`crate::Error`] to JS `Error`.

use wasm_bindgen::JsValue;

use crate::Error;

/// A JS `Error` whose `name` is the kind's stable name (e.g. `"InvalidParamsError"`), whose
/// `message` says what to fix and, for an error about one parameter or option, whose `param`
/// names it.
pub fn to_js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(error.message());
    js.set_name(error.kind().js_name());
    if let Some(param) = error.param() {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &"param".into(), &param.into());
    }
    js.into()
}

/// A failure on its way to JS: webpar's [`Error`], the JS value that caused it (what a
/// caller's getter, Proxy or callback threw), and properties that carry what was already
/// computed (`report`, `result`), so that nothing is lost when a job fails.
pub struct Failure {
    error: Error,
    cause: Option<JsValue>,
    properties: Vec<(&'static str, JsValue)>,
}

impl Failure {
    /// `error`, caused by the JS value `cause` (it becomes `err.cause`).
    pub fn caused_by(error: Error, cause: JsValue) -> Failure {
        Failure {
            error,
            cause: Some(cause),
            properties: Vec::new(),
        }
    }

    /// Sets `cause` unless one is set already.
    pub fn or_cause(mut self, cause: Option<JsValue>) -> Failure {
        if self.cause.is_none() {
            self.cause = cause;
        }
        self
    }

    /// Names the parameter or option the error is about (see [`Error::with_param`]).
    pub fn with_param(mut self, param: &str) -> Failure {
        self.error = self.error.with_param(param);
        self
    }

    /// Adds the property `key` (e.g. `report`) to the JS error.
    pub fn with(mut self, key: &'static str, value: JsValue) -> Failure {
        self.properties.push((key, value));
        self
    }

    /// The error, without its JS cause.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The JS `Error` (see [`to_js_error`]) with `cause` and the extra properties.
    pub fn into_js(self) -> JsValue {
        let js = to_js_error(&self.error);
        let set = |key: &str, value: &JsValue| {
            // Setting a property on a fresh Error object cannot fail.
            let _ = js_sys::Reflect::set(&js, &key.into(), value);
        };
        if let Some(cause) = &self.cause {
            set("cause", cause);
        }
        for (key, value) in &self.properties {
            set(key, value);
        }
        js
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            cause: None,
            properties: Vec::new(),
        }
    }
}
