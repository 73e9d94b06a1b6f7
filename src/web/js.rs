//! The few browser APIs webpar calls, bound by hand (they exist in windows and workers alike).
//!
//! Every binding that touches a value the caller gave (or that the caller's code can replace)
//! is `catch`: a getter, Proxy trap or method of the caller's that throws comes back as an
//! `Err`, never as a JS exception unwinding through Rust frames. Such an unwind skips every
//! destructor and leaves borrows, locks and the shadow stack pointer as they were, which
//! corrupts the engine after enough of them.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/snippets/data.js")]
extern "C" {
    /// `Object.entries(value)` of a plain object; `undefined` for `undefined` and for an
    /// object without entries; `null` for anything else (null, an array, a function, a
    /// primitive). Runs the caller's getters and Proxy traps.
    #[wasm_bindgen(js_name = plainEntries, catch)]
    pub fn plain_entries(value: &JsValue) -> Result<JsValue, JsValue>;
    /// `out[slots[i]] = String(values[i])` for every `i`: values a `Float64Array` of safe
    /// integers or a `BigUint64Array`.
    #[wasm_bindgen(js_name = fillDecimals)]
    pub fn fill_decimals(out: &js_sys::Array, slots: &[u32], values: &JsValue);
    /// A batch's params objects read in one call: see `readBatch` in data.js.
    #[wasm_bindgen(js_name = readBatch, catch)]
    pub fn read_batch(items: &JsValue, max_items: f64) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The part of `AbortSignal` used here.
    pub type AbortSignal;
    /// Whether the signal is aborted.
    #[wasm_bindgen(method, getter, catch)]
    pub fn aborted(this: &AbortSignal) -> Result<bool, JsValue>;
    /// `signal.addEventListener(kind, listener)`.
    #[wasm_bindgen(method, catch, js_name = addEventListener)]
    pub fn add_event_listener(
        this: &AbortSignal,
        kind: &str,
        listener: &js_sys::Function,
    ) -> Result<(), JsValue>;
    /// `signal.removeEventListener(kind, listener)`.
    #[wasm_bindgen(method, catch, js_name = removeEventListener)]
    pub fn remove_event_listener(
        this: &AbortSignal,
        kind: &str,
        listener: &js_sys::Function,
    ) -> Result<(), JsValue>;

    /// `Array.isArray(value)`: throws for a revoked Proxy.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    pub fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `new URL(url, base)`: throws for a URL it cannot parse.
    #[wasm_bindgen(js_name = URL)]
    pub type Url;
    /// `new URL(url, base)`.
    #[wasm_bindgen(constructor, js_class = URL, catch)]
    pub fn new_with_base(url: &str, base: &str) -> Result<Url, JsValue>;
    /// `url.href`: the resolved URL.
    #[wasm_bindgen(method, getter, js_class = URL)]
    pub fn href(this: &Url) -> String;
    /// `url.origin`: `"null"` for schemes without one.
    #[wasm_bindgen(method, getter, js_class = URL)]
    pub fn origin(this: &Url) -> String;
    /// `url.protocol`, e.g. `"https:"`.
    #[wasm_bindgen(method, getter, js_class = URL)]
    pub fn protocol(this: &Url) -> String;

    /// `AbortController`.
    pub type AbortController;
    /// `new AbortController()`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> AbortController;
    /// Its signal.
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AbortController) -> AbortSignal;
    /// `controller.abort()`.
    #[wasm_bindgen(method)]
    pub fn abort(this: &AbortController);

    /// The part of `Response` used here.
    pub type Response;
    /// HTTP status.
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Response) -> u16;
    /// `response.arrayBuffer()`.
    #[wasm_bindgen(method, js_name = arrayBuffer)]
    pub fn array_buffer(this: &Response) -> js_sys::Promise;

    /// `fetch(url, init)`.
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch(url: &str, init: &JsValue) -> js_sys::Promise;

    /// `setInterval(handler, ms)`.
    #[wasm_bindgen(js_name = setInterval)]
    pub fn set_interval(handler: &js_sys::Function, ms: i32) -> JsValue;
    /// `clearInterval(handle)`.
    #[wasm_bindgen(js_name = clearInterval)]
    pub fn clear_interval(handle: &JsValue);
    /// `setTimeout(handler, ms)`.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    /// `clearTimeout(handle)`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(handle: &JsValue);

    /// `TextDecoder`, UTF-8.
    pub type TextDecoder;
    /// `new TextDecoder()`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TextDecoder;
    /// `decoder.decode(bytes)`: the text stays a JS string (nothing is copied into wasm).
    #[wasm_bindgen(method, js_name = decode)]
    pub fn decode(this: &TextDecoder, bytes: &js_sys::Uint8Array) -> JsValue;
    /// `JSON.parse(text)`: throws on text that is not JSON.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    /// `MessageChannel`, for yielding to the event loop without setTimeout's clamping.
    pub type MessageChannel;
    /// `new MessageChannel()`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> MessageChannel;
    /// Its first port.
    #[wasm_bindgen(method, getter)]
    pub fn port1(this: &MessageChannel) -> MessagePort;
    /// Its second port.
    #[wasm_bindgen(method, getter)]
    pub fn port2(this: &MessageChannel) -> MessagePort;
    /// A `MessagePort`.
    pub type MessagePort;
    /// `port.onmessage = handler`.
    #[wasm_bindgen(method, setter)]
    pub fn set_onmessage(this: &MessagePort, handler: &js_sys::Function);
    /// `port.postMessage(value)`.
    #[wasm_bindgen(method, js_name = postMessage)]
    pub fn post_message(this: &MessagePort, value: &JsValue);
    /// `port.close()`: a port left open with a handler keeps Node.js running.
    #[wasm_bindgen(method)]
    pub fn close(this: &MessagePort);
}
