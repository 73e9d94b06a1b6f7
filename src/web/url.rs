//! Where fetch calls may go, judged on the URL the browser will actually request.
//!
//! The rule: a URL template is either a path on this page's origin (`/api/delay?i={i}`,
//! `api/doc`), resolved against `location.href`, or an absolute `http:`/`https:` URL. A
//! string is never judged by its look: `//other.host/x` and `/\other.host/x` start like paths
//! but resolve to another host, so the template is resolved with `new URL(url, location.href)`
//! and the result is judged. `{i}` may not change the origin, and every call's URL is resolved
//! and checked again before it is fetched.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::convert::js_error_message;
use super::js::Url;
use crate::Error;

/// A checked URL template and the one origin its calls may reach.
#[derive(Debug, Clone)]
pub struct UrlRule {
    template: String,
    base: String,
    origin: String,
}

impl UrlRule {
    /// Checks `template` against the rule above.
    ///
    /// # Errors
    /// `InvalidParams` (param `url`) for a template that does not parse, is not http(s), or
    /// that looks like a path and resolves to another origin, or whose `{i}` changes the origin.
    pub fn new(template: &str) -> Result<UrlRule, Error> {
        let fail = |why: String| Error::invalid(format!("\"url\" {why}")).with_param("url");
        let base = page_location();
        let absolute = has_http_scheme(template);
        let resolve = |index: &str| -> Result<Url, Error> {
            let url = template.replace("{i}", index);
            Url::new_with_base(&url, base.as_deref().unwrap_or("about:blank")).map_err(|err| {
                fail(format!(
                    "{template:?} is not a URL this page can fetch ({})",
                    js_error_message(&err)
                ))
            })
        };
        let first = resolve("0")?;
        if !matches!(first.protocol().as_str(), "http:" | "https:") {
            return Err(fail(format!(
                "{template:?} resolves to {}: only http(s) URLs and paths on this origin can \
                 be fetched",
                first.href()
            )));
        }
        let origin = first.origin();
        if !absolute {
            let page_origin = base
                .as_deref()
                .and_then(|href| Url::new_with_base(href, href).ok());
            let page_origin = page_origin.map(|url| url.origin());
            if page_origin.as_deref() != Some(origin.as_str()) {
                return Err(fail(format!(
                    "{template:?} looks like a path but resolves to {}, which is not this page's \
                     origin ({}); write another origin's URL in full, starting with http:// or \
                     https://",
                    first.href(),
                    page_origin.as_deref().unwrap_or("none")
                )));
            }
        }
        if resolve("1")?.origin() != origin {
            return Err(fail(format!(
                "{template:?}: \"{{i}}\" changes the host or port; put it in the path or query"
            )));
        }
        Ok(UrlRule {
            template: template.to_owned(),
            base: base.unwrap_or_else(|| "about:blank".into()),
            origin,
        })
    }

    /// The URL of call `index`, resolved and checked to be on the template's origin.
    ///
    /// # Errors
    /// A message for the call's result when it resolves elsewhere (then it is not fetched).
    pub fn call_url(&self, index: u64) -> Result<String, String> {
        let url = self.template.replace("{i}", &index.to_string());
        let resolved = Url::new_with_base(&url, &self.base)
            .map_err(|err| format!("{url:?} is not a URL ({})", js_error_message(&err)))?;
        if resolved.origin() != self.origin {
            return Err(format!(
                "{} is not on {}, the origin of the URL template; not fetched",
                resolved.href(),
                self.origin
            ));
        }
        Ok(resolved.href())
    }
}

/// Whether `url` starts with `http://` or `https://` (any case), the absolute form.
fn has_http_scheme(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `location.href` of this page or worker, if it has one.
fn page_location() -> Option<String> {
    let location = Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    if location.is_undefined() {
        return None;
    }
    Reflect::get(&location, &"href".into())
        .ok()
        .and_then(|href: JsValue| href.as_string())
}
