//! Development server for the webpar demo.
//!
//! Serves a folder of static files (default `www/`) with the headers that make the page
//! cross-origin isolated, which `SharedArrayBuffer` and so the thread pool need, and offers
//! `/api/` endpoints that I/O jobs call:
//!
//! - `GET /api/delay?ms=100&bytes=1024`: answers after `ms` milliseconds with `bytes` bytes.
//!
//! Usage: `webpar-serve [DIR]`, with `PORT` (default 8080; 0 picks a free port) and `HOST`
//! (default 127.0.0.1) from the environment. It prints the URL it listens on.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::Query;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Longest delay `/api/delay` accepts.
const MAX_DELAY_MS: u64 = 60_000;
/// Largest body `/api/delay` sends.
const MAX_BYTES: usize = 16 << 20;

#[tokio::main]
async fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "www".into());
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
    println!("webpar dev server: http://{local}/ (serving {dir})");
    axum::serve(listener, app(&dir))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .unwrap_or_else(|err| exit_with(&format!("server error: {err}")));
}

/// The routes and the headers every response carries.
fn app(dir: &str) -> Router {
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .route("/api/delay", get(delay))
        .fallback_service(ServeDir::new(dir))
        // Cross-origin isolation: without both, `crossOriginIsolated` is false and
        // SharedArrayBuffer (so the wasm thread pool) is unavailable.
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header("cross-origin-embedder-policy", "require-corp"))
        .layer(header("cross-origin-resource-policy", "same-origin"))
        // A development server: always serve the latest build.
        .layer(header("cache-control", "no-cache"))
}

#[derive(Debug, Deserialize)]
struct DelayQuery {
    #[serde(default)]
    ms: u64,
    #[serde(default)]
    bytes: usize,
}

/// `GET /api/delay?ms=&bytes=`: a simulated remote call of known latency and size.
async fn delay(Query(query): Query<DelayQuery>) -> Response {
    if query.ms > MAX_DELAY_MS {
        return bad_request(format!("ms must be at most {MAX_DELAY_MS}"));
    }
    if query.bytes > MAX_BYTES {
        return bad_request(format!("bytes must be at most {MAX_BYTES}"));
    }
    tokio::time::sleep(Duration::from_millis(query.ms)).await;
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        vec![b'x'; query.bytes],
    )
        .into_response()
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
