//! The stream every connection reads through: plain TCP or TLS, checking that the server's
//! first bytes are HTTP/2's, so that a web server, a TLS server reached as http:// or a captive
//! portal is named for what it is.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_util::either::Either;

/// A connection, plain or TLS, that checks the server's first bytes are HTTP/2's.
pub(super) struct Stream {
    io: Either<TcpStream, Box<TlsStream<TcpStream>>>,
    preface: Preface,
}

impl Stream {
    pub(super) fn plain(tcp: TcpStream, preface: Preface) -> Self {
        Self {
            io: Either::Left(tcp),
            preface,
        }
    }

    pub(super) fn tls(tls: TlsStream<TcpStream>, preface: Preface) -> Self {
        Self {
            io: Either::Right(Box::new(tls)),
            preface,
        }
    }
}

/// Per server URL, why its first bytes were not HTTP/2 (see [`Preface`]).
pub(super) type Verdicts = Arc<std::sync::Mutex<Vec<(String, &'static str)>>>;

/// What the server sent first. An HTTP/2 server's first frame is SETTINGS; anything else
/// (a TLS record, `HTTP/1.1 …`, a captive portal, noise) ends the connection with an error
/// that says what it was, and the verdict is kept for the call to report (h2 may pass the
/// call only "connection closed").
pub(super) struct Preface {
    url: String,
    verdicts: Verdicts,
    seen: [u8; 9],
    len: usize,
    /// Until when a server may stay silent (from the first read that found nothing): an HTTP/2
    /// server greets at once (its SETTINGS), while an HTTP/1 server (a web page's port) waits,
    /// silent, for a request.
    greeting_by: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    /// Whether the greeting is waited for at all: only when the call may take longer.
    greets: bool,
}

/// How long a server may take to send its first bytes. An HTTP/2 server sends them as soon as
/// it has read the client's greeting (one round trip, after TLS); a server silent this long
/// is not one, and saying so at once beats waiting out the call's 30 s.
pub(super) const GREETING_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The words every "not HTTP/2" error starts with.
const NOT_HTTP2: &str = "the server did not answer with HTTP/2";

impl Preface {
    /// The check for `url`'s connection; the greeting is timed only when the call's
    /// `timeout` is longer than [`GREETING_WAIT`] (a shorter one says "no answer" first).
    pub(super) fn new(url: &str, verdicts: &Verdicts, timeout: std::time::Duration) -> Self {
        Self {
            url: url.to_owned(),
            verdicts: Arc::clone(verdicts),
            seen: [0; 9],
            len: 0,
            greeting_by: None,
            greets: timeout > GREETING_WAIT,
        }
    }

    /// With nothing read yet: an error once the greeting is overdue (see [`GREETING_WAIT`]).
    fn overdue(&mut self, cx: &mut Context<'_>) -> std::io::Result<()> {
        if self.len != 0 || !self.greets {
            return Ok(());
        }
        let by = self
            .greeting_by
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(GREETING_WAIT)));
        if by.as_mut().poll(cx).is_pending() {
            return Ok(());
        }
        self.len = self.seen.len();
        self.judged(
            "it sent nothing within 2 s of the HTTP/2 greeting, as a web server waiting for a request does",
        )
    }

    /// Keeps the verdict for the call to report, and ends the connection with it.
    fn judged(&mut self, what: &'static str) -> std::io::Result<()> {
        let mut verdicts = self.verdicts.lock().unwrap_or_else(|e| e.into_inner());
        if !verdicts.iter().any(|(url, _)| *url == self.url) {
            verdicts.push((self.url.clone(), what));
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{NOT_HTTP2}: {what}"),
        ))
    }

    /// Takes the bytes just read (none: the end of the stream); an error once 9 have come,
    /// or the stream ended before them, and they are not a SETTINGS frame.
    fn check(&mut self, read: &[u8]) -> std::io::Result<()> {
        if self.len == self.seen.len() || (read.is_empty() && self.len == 0) {
            return Ok(());
        }
        let take = read.len().min(self.seen.len() - self.len);
        self.seen[self.len..self.len + take].copy_from_slice(&read[..take]);
        self.len += take;
        // h2 gives up on a frame header as soon as its 3-byte length is too large, so a
        // first byte that no SETTINGS frame has (their length is below 65,536) is judged then.
        let early = self.len >= 3 && self.seen[0] != 0;
        if self.len < self.seen.len() && !read.is_empty() && !early {
            return Ok(());
        }
        let head = &self.seen[..self.len];
        let settings = self.len == self.seen.len()
            && head[3] == 0x04
            && head[4] & 0x01 == 0
            && head[5..9] == [0, 0, 0, 0];
        if settings {
            return Ok(());
        }
        // Judged once: what follows is not looked at.
        self.len = self.seen.len();
        let what = if head.len() >= 2 && matches!(head[0], 0x14..=0x17) && head[1] == 0x03 {
            "it answered with TLS; is it an https:// server?"
        } else if b"HTTP/".starts_with(&head[..head.len().min(5)]) {
            "it answered with HTTP/1"
        } else {
            "its first bytes are not an HTTP/2 frame"
        };
        self.judged(what)
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let room = buf.remaining() > 0;
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        let read = &buf.filled()[before..];
        match &polled {
            // Nothing read into room for something: the end of the stream.
            Poll::Ready(Ok(())) if room || !read.is_empty() => this.preface.check(read)?,
            // A reset after a few bytes: judge those.
            Poll::Ready(Err(_)) => this.preface.check(&[])?,
            Poll::Pending => this.preface.overdue(cx)?,
            _ => {}
        }
        polled
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bytes_must_be_an_http2_settings_frame() {
        let check = |bytes: &[u8]| {
            let mut preface = Preface::new("http://x", &Verdicts::default(), GREETING_WAIT);
            // In two reads, as a socket may deliver them, then the end of the stream.
            let (a, b) = bytes.split_at(bytes.len() / 2);
            preface
                .check(a)
                .and_then(|()| preface.check(b))
                .and_then(|()| preface.check(&[]))
                .map_err(|e| e.to_string())
        };
        assert!(check(&[0, 0, 18, 4, 0, 0, 0, 0, 0, 0, 3]).is_ok());
        let not_settings = check(&[0, 0, 0, 4, 1, 0, 0, 0, 0]).unwrap_err();
        assert!(
            not_settings.contains("not an HTTP/2 frame"),
            "{not_settings}"
        );
        let alert = check(b"\x15\x03\x03\x00\x02\x02\x32").unwrap_err();
        assert!(alert.contains("TLS"), "{alert}");
        assert!(check(b"HTTP/1.1 200 OK").unwrap_err().contains("HTTP/1"));
        assert!(
            check(b"<html>")
                .unwrap_err()
                .contains("not an HTTP/2 frame")
        );
        assert!(
            check(b"").is_ok(),
            "nothing at all: a closed connection, not a verdict"
        );
    }
}
