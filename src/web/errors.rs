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
