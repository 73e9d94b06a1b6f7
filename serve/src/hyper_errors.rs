//! The headers on the responses hyper writes itself.
//!
//! hyper answers some requests before they reach the router, and so before the layers that
//! add the server's headers: a URI over 64 KiB gets `414 URI Too Long`, a head too large
//! `431`, a request it cannot parse `400`, each with `connection: close` and no body. A page
//! then sees a response without the headers every other response has (COOP/COEP, CORS). The
//! [`Listener`] here wraps every connection so that such a response (one the router did not
//! make: its head lacks `cache-control`, which the router puts on every response) gets the
//! headers on its way out.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections like `TcpListener`, each wrapped in a [`Connection`].
pub struct Listener {
    inner: TcpListener,
    headers: &'static str,
}

impl Listener {
    /// `headers`: the lines (each ending in `\r\n`) to add to hyper's own responses.
    pub fn new(inner: TcpListener, headers: &'static str) -> Listener {
        Listener { inner, headers }
    }
}

impl axum::serve::Listener for Listener {
    type Io = Connection;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Connection, std::net::SocketAddr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        (
            Connection {
                stream,
                headers: self.headers,
                pending: Vec::new(),
            },
            addr,
        )
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection whose writes pass through, except the head of a response the router did not
/// make, which gets the headers. Such a response is hyper's last word on the connection.
pub struct Connection {
    stream: TcpStream,
    headers: &'static str,
    /// A patched response not yet written out.
    pending: Vec<u8>,
}

/// `buf` with `headers` added, if it starts a response head the router did not make.
pub fn patched(buf: &[u8], headers: &str) -> Option<Vec<u8>> {
    if !buf.starts_with(b"HTTP/1.") {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    if head.contains("\r\ncache-control:") {
        return None;
    }
    let mut out = Vec::with_capacity(buf.len() + headers.len());
    out.extend_from_slice(&buf[..end + 2]);
    out.extend_from_slice(headers.as_bytes());
    out.extend_from_slice(&buf[end + 2..]);
    Some(out)
}

impl Connection {
    /// Writes out what is pending; ready once nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            match Pin::new(&mut self.stream).poll_write(cx, &self.pending) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    self.pending.drain(..n);
                }
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(patched) = patched(buf, this.headers) {
            // Taken whole: written out by this call and the next polls.
            this.pending = patched;
            let _ = this.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::patched;

    #[test]
    fn only_a_head_without_the_routers_headers_is_patched() {
        let hyper = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(
            patched(hyper, "x-a: 1\r\n").unwrap(),
            b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\nx-a: 1\r\n\r\n"
        );
        let routed = b"HTTP/1.1 200 OK\r\ncache-control: no-cache\r\n\r\nbody";
        assert_eq!(patched(routed, "x-a: 1\r\n"), None);
        assert_eq!(patched(b"some body bytes", "x-a: 1\r\n"), None);
    }
}
