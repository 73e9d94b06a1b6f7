//! Development server for the webpar demo.
//!
//! Serves a folder of static files (default `www/`) with the headers that make the page
//! cross-origin isolated, which `SharedArrayBuffer` and so the thread pool need, and offers
//! `/api/` endpoints that I/O jobs call:
//!
//! - `GET /api/delay?ms=100&bytes=1024&status=200`: answers after `ms` milliseconds with
//!   `bytes` bytes and the given status (for failure tests).
//! - `GET /api/doc?i=7&bytes=65536&ms=0`: document `i`, deterministic English-like text of
//!   `bytes` bytes, after `ms` milliseconds.
//! - `/api/echo` (any method): the request as JSON, `{ method, query, headers, body }`
//!   (`headers`: those starting with `x-`; `body`: the body as UTF-8 text), for tests of
//!   calls with a method, headers and a body.
//!
//! `/api/` responses allow cross-origin reads (CORS and CORP), so that pages of other origins
//! on this machine, such as the browser tests' runner, can call them. Every response carries
//! the server's headers, those hyper writes itself too (`hyper_errors.rs`); TypeScript files
//! (`.d.ts`) are served as text, not as the MPEG transport streams their extension also names.
//!
//! Usage: `webpar-serve [--no-isolation [--no-frame-header]] [DIR]`, with `PORT` (default
//! 8080; 0 picks a free port) and `HOST` (default 127.0.0.1) from the environment. It prints
//! the URL it listens on. `--no-isolation` leaves out COOP/COEP, as most sites are served,
//! and serves webpar's threads frame (`webpar-frame.html`) with
//! `Document-Isolation-Policy: isolate-and-credentialless`, the one header an app adds for
//! it: the page then runs CPU jobs on threads inside that frame where the browser supports
//! the header (Chromium 137 and newer), else on isolated workers. `--no-frame-header` leaves
//! that header off too, to show the fallback to isolated workers everywhere.

mod hyper_errors;

use std::net::SocketAddr;
use std::time::Duration;

use std::collections::BTreeMap;

use axum::extract::{Query, RawQuery, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Longest delay `/api/delay` accepts.
const MAX_DELAY_MS: u64 = 60_000;
/// Largest body `/api/delay` sends.
const MAX_BYTES: usize = 16 << 20;

#[tokio::main]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut flag = |name: &str| match args.iter().position(|arg| arg == name) {
        Some(at) => {
            args.remove(at);
            true
        }
        None => false,
    };
    let isolated = !flag("--no-isolation");
    let frame_header = !isolated && !flag("--no-frame-header");
    if let Some(unknown) = args.iter().find(|arg| arg.starts_with("--")) {
        exit_with(&format!(
            "unknown option {unknown}; usage: webpar-serve [--no-isolation [--no-frame-header]] [DIR]"
        ));
    }
    let dir = args.first().cloned().unwrap_or_else(|| "www".into());
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = match std::env::var("PORT").map(|p| p.parse()) {
        Err(_) => 8080,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => exit_with("PORT must be a number in 0..=65535"),
    };
    if !std::path::Path::new(&dir).is_dir() {
        exit_with(&format!(
            "no folder {dir:?} to serve: run ./build.sh build first"
        ));
    }
    let addr: SocketAddr = match format!("{host}:{port}").parse() {
        Ok(addr) => addr,
        Err(_) => exit_with(&format!("HOST {host:?} is not an IP address")),
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(err) => exit_with(&format!(
            "cannot listen on {addr}: {err} (is another server running? set PORT)"
        )),
    };
    let local = listener
        .local_addr()
        .expect("a bound listener has an address");
    let isolation = if isolated {
        "cross-origin isolated"
    } else if frame_header {
        "not isolated; the threads frame isolated by Document-Isolation-Policy"
    } else {
        "not isolated, nor the threads frame"
    };
    println!("webpar dev server: http://{local}/ (serving {dir}, {isolation})");
    // hyper's own answers (a URI over 64 KiB, a head too large, a request it cannot parse)
    // carry no body: any page may read them.
    let headers = if isolated {
        concat!(
            "cross-origin-opener-policy: same-origin\r\n",
            "cross-origin-embedder-policy: require-corp\r\n",
            "cross-origin-resource-policy: cross-origin\r\n",
            "access-control-allow-origin: *\r\n",
            "cache-control: no-cache\r\n",
        )
    } else {
        concat!(
            "cross-origin-resource-policy: cross-origin\r\n",
            "access-control-allow-origin: *\r\n",
            "cache-control: no-cache\r\n",
        )
    };
    let listener = hyper_errors::Listener::new(listener, headers);
    axum::serve(listener, app(&dir, isolated, frame_header))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .unwrap_or_else(|err| exit_with(&format!("server error: {err}")));
}

/// The routes and the headers every response carries (COOP/COEP when `isolated`;
/// Document-Isolation-Policy on the threads frame's document when `frame_header`).
fn app(dir: &str, isolated: bool, frame_header: bool) -> Router {
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    let api = Router::new()
        .route("/api/delay", get(delay))
        .route("/api/doc", get(doc))
        .route("/api/echo", any(echo))
        .layer(header("access-control-allow-origin", "*"))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ));
    let site = Router::new()
        .merge(api)
        .fallback_service(ServeDir::new(dir).append_index_html_on_directories(true))
        .layer(middleware::from_fn(typescript_as_text));
    let site = if frame_header {
        site.layer(middleware::from_fn(isolate_frame))
    } else {
        site
    };
    let site = if isolated {
        // Cross-origin isolation: without both, `crossOriginIsolated` is false and
        // SharedArrayBuffer (so the wasm thread pool) is unavailable.
        site.layer(header("cross-origin-opener-policy", "same-origin"))
            .layer(header("cross-origin-embedder-policy", "require-corp"))
            .layer(SetResponseHeaderLayer::if_not_present(
                HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("same-origin"),
            ))
    } else {
        site
    };
    // A development server: always serve the latest build.
    site.layer(header("cache-control", "no-cache"))
}

/// webpar's threads frame (`webpar-frame.html`, wherever a package of it is served) made
/// cross-origin isolated by itself: `Document-Isolation-Policy`, the one header an app serves
/// it with (docs/guide/install.md), on the document's response only.
async fn isolate_frame(request: Request, next: Next) -> Response {
    let frame = request.uri().path().ends_with("/webpar-frame.html");
    let mut response = next.run(request).await;
    if frame {
        response.headers_mut().insert(
            HeaderName::from_static("document-isolation-policy"),
            HeaderValue::from_static("isolate-and-credentialless"),
        );
    }
    response
}

/// TypeScript sources and declarations as text: `mime_guess` gives `.ts` the MPEG transport
/// stream's type, which a browser downloads instead of showing.
async fn typescript_as_text(request: Request, next: Next) -> Response {
    let typescript = [".ts", ".mts", ".cts"]
        .iter()
        .any(|ext| request.uri().path().ends_with(ext));
    let mut response = next.run(request).await;
    if typescript && response.status().is_success() {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    response
}

#[derive(Debug, Deserialize)]
struct DelayQuery {
    #[serde(default)]
    ms: u64,
    #[serde(default)]
    bytes: usize,
    #[serde(default = "ok_status")]
    status: u16,
}

fn ok_status() -> u16 {
    200
}

/// `GET /api/delay?ms=&bytes=&status=`: a simulated remote call of known latency and size.
async fn delay(Query(query): Query<DelayQuery>) -> Response {
    if let Err(message) = check_bounds(query.ms, query.bytes) {
        return bad_request(message);
    }
    // 1xx are not final answers (hyper would send a 500 in their place) and 101 would hand
    // the connection over: a simulated call answers with a final status.
    let status = match StatusCode::from_u16(query.status) {
        Ok(status) if (200..=599).contains(&query.status) => status,
        _ => return bad_request(format!("status must be in 200..=599, got {}", query.status)),
    };
    tokio::time::sleep(Duration::from_millis(query.ms)).await;
    (
        status,
        [(header::CONTENT_TYPE, "application/octet-stream")],
        vec![b'x'; query.bytes],
    )
        .into_response()
}

/// What `/api/echo` answers.
#[derive(Debug, Serialize)]
struct Echo {
    method: String,
    query: String,
    headers: BTreeMap<String, String>,
    body: String,
}

/// `/api/echo`: the request as JSON.
async fn echo(
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: String,
) -> Json<Echo> {
    let headers = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-"))
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    Json(Echo {
        method: method.to_string(),
        query: query.unwrap_or_default(),
        headers,
        body,
    })
}

#[derive(Debug, Deserialize)]
struct DocQuery {
    i: u64,
    #[serde(default = "default_doc_bytes")]
    bytes: usize,
    #[serde(default)]
    ms: u64,
}

fn default_doc_bytes() -> usize {
    64 * 1024
}

/// `GET /api/doc?i=&bytes=&ms=`: document `i` (see [`document`]) after `ms` milliseconds.
async fn doc(Query(query): Query<DocQuery>) -> Response {
    if let Err(message) = check_bounds(query.ms, query.bytes) {
        return bad_request(message);
    }
    tokio::time::sleep(Duration::from_millis(query.ms)).await;
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        document(query.i, query.bytes),
    )
        .into_response()
}

/// Document `i`: words from a small vocabulary, picked by a hash of `i` and the position,
/// separated by single spaces, cut at `bytes` bytes.
fn document(i: u64, bytes: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "the", "thread", "pool", "runs", "every", "chunk", "of", "work", "while", "calls", "wait",
        "on", "latency", "and", "memory", "stays",
    ];
    let mut text = Vec::with_capacity(bytes + 16);
    let mut k = 0u64;
    while text.len() < bytes {
        let mut h = (i << 32 ^ k).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
        text.extend_from_slice(WORDS[(h % 16) as usize].as_bytes());
        text.push(b' ');
        k += 1;
    }
    text.truncate(bytes);
    text
}

/// What is wrong with `ms` and `bytes`, if anything.
fn check_bounds(ms: u64, bytes: usize) -> Result<(), String> {
    if ms > MAX_DELAY_MS {
        return Err(format!("ms must be at most {MAX_DELAY_MS}"));
    }
    if bytes > MAX_BYTES {
        return Err(format!("bytes must be at most {MAX_BYTES}"));
    }
    Ok(())
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, message).into_response()
}

fn exit_with(message: &str) -> ! {
    eprintln!("webpar-serve: {message}");
    std::process::exit(2)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::document;

    #[test]
    fn documents_are_deterministic_words_of_the_asked_size() {
        assert_eq!(document(7, 1000), document(7, 1000));
        assert_ne!(document(7, 1000), document(8, 1000));
        assert_eq!(document(3, 65_536).len(), 65_536);
        let text = String::from_utf8(document(1, 200)).unwrap();
        assert!(text
            .split(' ')
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase())));
    }
}
