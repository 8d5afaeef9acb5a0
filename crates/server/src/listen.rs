//! The accept loop: hyper's HTTP/1 connection with its header-read timeout, each connection
//! wrapped in read and write deadlines (a client that sends or reads nothing for the idle
//! timeout is closed, even after a WebSocket upgrade), a cap on open connections per address
//! and in all, and a shutdown that ends within its bound however many clients hang.
//! `axum::serve` exposes none of these, hence our own loop around hyper-util's parts.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

/// The connection limits and timeouts of one server process.
#[derive(Clone)]
pub struct Limits {
    /// Open connections (WebSockets included) from one address; `None` behind a proxy,
    /// where every connection comes from the proxy's address.
    pub per_address: Option<usize>,
    pub total: usize,
    /// A request's headers must arrive within this (also the keep-alive idle time).
    pub header_timeout: Duration,
    /// A connection that sends nothing, or takes nothing we write, this long is closed.
    pub idle_timeout: Duration,
    /// After SIGTERM, connections still open this long are dropped.
    pub shutdown_timeout: Duration,
    /// https: the handshake must end within the header timeout.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

/// A connection's byte stream, plain or TLS.
trait Conn: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> Conn for T {}

/// Refused connections get this and are closed at once; nothing of theirs is read.
const TOO_MANY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 68\r\nConnection: close\r\n\r\n\
Too many connections from your address. Please try again in a moment.";

/// Open connections per address and in all.
#[derive(Default)]
struct Open {
    by_address: HashMap<IpAddr, usize>,
    total: usize,
}

/// A connection's place in [`Open`], given back when the connection (or the WebSocket it
/// became) is dropped.
struct Slot {
    open: Arc<Mutex<Open>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.open.lock() {
            open.total = open.total.saturating_sub(1);
            if let Some(n) = open.by_address.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    open.by_address.remove(&self.ip);
                }
            }
        }
    }
}

fn claim(open: &Arc<Mutex<Open>>, ip: IpAddr, limits: &Limits) -> Option<Slot> {
    let mut o = open.lock().ok()?;
    let mine = o.by_address.get(&ip).copied().unwrap_or(0);
    if o.total >= limits.total || limits.per_address.is_some_and(|max| mine >= max) {
        return None;
    }
    o.total += 1;
    *o.by_address.entry(ip).or_default() += 1;
    Some(Slot {
        open: open.clone(),
        ip,
    })
}

/// A TCP stream that holds its [`Slot`] for as long as it lives.
struct Counted {
    tcp: TcpStream,
    _slot: Slot,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the connections under
/// way finish for at most `limits.shutdown_timeout` and drops the rest.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Mutex::new(Open::default()));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, mostly: wait for some to close rather than spin.
                    tracing::warn!(error = %e, "accept");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Some(slot) = claim(&open, peer.ip(), &limits) else {
            // A fresh socket's send buffer is empty, so this does not block; best effort.
            let _ = tcp.try_write(TOO_MANY);
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let mut io = TimeoutStream::new(Counted { tcp, _slot: slot });
        io.set_read_timeout(Some(limits.idle_timeout));
        io.set_write_timeout(Some(limits.idle_timeout));
        let io = Box::pin(io);
        let tls = limits.tls.clone();
        let app = app.clone();
        let service = tower::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let mut stopping = stopping.clone();
        let header_timeout = limits.header_timeout;
        connections.spawn(async move {
            // The handshake runs here, not in the accept loop, so a slow client holds up
            // no one else.
            let io: Pin<Box<dyn Conn>> = match tls {
                None => io,
                Some(tls) => match tokio::time::timeout(header_timeout, tls.accept(io)).await {
                    Ok(Ok(stream)) => Box::pin(stream),
                    Ok(Err(e)) => return tracing::debug!(error = %e, "TLS handshake"),
                    Err(_) => return,
                },
            };
            let io = TokioIo::new(io);
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder
                .serve_connection(io, TowerToHyperService::new(service))
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stopping.wait_for(|s| *s) => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "shutdown: dropping connections still open"
        );
        connections.abort_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_and_given_back() {
        let open = Arc::new(Mutex::new(Open::default()));
        let limits = Limits {
            per_address: Some(2),
            total: 3,
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            shutdown_timeout: Duration::from_secs(1),
            tls: None,
        };
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = claim(&open, a, &limits).expect("first");
        let _second = claim(&open, a, &limits).expect("second");
        assert!(
            claim(&open, a, &limits).is_none(),
            "a third from one address"
        );
        let _third = claim(&open, b, &limits).expect("another address");
        assert!(claim(&open, b, &limits).is_none(), "the total is reached");
        drop(first);
        assert!(claim(&open, a, &limits).is_some(), "a slot came back");
    }
}
