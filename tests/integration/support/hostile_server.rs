//! A gRPC server on 127.0.0.1 that misbehaves on purpose: it speaks HTTP/2 frame by frame
//! (with the `h2` crate, not tonic, so it can send what tonic never would) and answers every
//! RPC well except the one it was told to answer badly, or it breaks every connection before
//! HTTP/2 begins. With a TLS config it wraps each connection in TLS first.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use h2::server::SendResponse;
use http::{HeaderMap, HeaderValue};
use modal_setup::api::wire;
use prost::Message;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What the server does wrong.
#[derive(Clone, Debug)]
pub enum Misbehaviour {
    /// Nothing: every RPC gets a good answer.
    None,
    /// Every connection gets this instead of an HTTP/2 server.
    Connection(Raw),
    /// The RPC of this name gets this answer; every other RPC a good one.
    Answer(&'static str, Bad),
    /// Only the first call of the RPC of this name gets this answer.
    Once(&'static str, Bad),
}

/// Ways to break a connection before or as HTTP/2 begins.
#[derive(Clone, Copy, Debug)]
pub enum Raw {
    /// 4 KiB of random bytes, then close.
    Garbage,
    /// A TLS alert record (decode_error), as a TLS server sends to a plaintext client.
    TlsAlert,
    /// An HTTP/1.1 200 with a JSON body.
    Http1Json,
    /// An HTTP/1.1 200 with an HTML page (a captive portal), escape sequences included.
    HtmlPage,
    /// Accept and close at once.
    CloseAtOnce,
    /// Accept, read everything, never write a byte.
    Silent,
    /// The HTTP/2 handshake, then GOAWAY before any stream.
    GoAway,
    /// A valid HTTP/2 SETTINGS frame, then random bytes.
    Http2Garbage,
}

/// Bad answers to one RPC.
#[derive(Clone, Debug)]
pub enum Bad {
    /// A frame whose length prefix promises 10 bytes more than are sent, then status OK.
    Truncated,
    /// A length prefix shorter than the message, so the rest reads as a second frame.
    LengthTooShort,
    /// The compressed flag set, with no `grpc-encoding`.
    CompressedFlag,
    /// The compressed flag set with `grpc-encoding: br`, which nobody agreed to.
    UnknownEncoding,
    /// A length prefix of 100 MiB, and the bytes streamed for as long as the client reads.
    Huge,
    /// A well-framed message of another RPC's type.
    WrongType,
    /// Bytes that are not protobuf.
    NotProtobuf,
    /// The message, then the end of the stream with no trailers.
    NoTrailers,
    /// Trailers without `grpc-status`.
    NoGrpcStatus,
    /// `grpc-status: abc`.
    StatusNotNumeric,
    /// `grpc-status: 99`.
    StatusOutOfRange,
    /// `:status 500` and a text body, as a load balancer answers.
    Http500,
    /// `:status 503` and nothing else: no body, no grpc-status.
    Http503Empty,
    /// `:status 200`, `content-type: text/html` and a page over HTTP/2.
    HtmlOverH2,
    /// `content-type: application/json` around a good message.
    JsonContentType,
    /// INTERNAL with this `grpc-message` (percent-encoded as gRPC does).
    Status(String),
    /// RST_STREAM after the headers.
    ResetStream,
    /// Half a message, then the TCP connection closes.
    DropConnection,
    /// Never answers (the stream stays open).
    Silent,
    /// The headers, then one byte a second.
    Drip,
    /// Two messages where one is expected.
    TwoMessages,
    /// Status OK with no message.
    NoMessage,
    /// 10,000 response headers (~400 KB).
    HeaderFlood,
    /// A good answer with this many `x-modal-warning` trailers.
    Warnings(usize),
    /// A well-framed answer with these protobuf bytes.
    Message(Vec<u8>),
}

/// The good answer to each RPC.
pub fn good_answer(rpc: &str) -> Vec<u8> {
    match rpc {
        "TokenFlowCreate" => wire::TokenFlowCreateResponse {
            token_flow_id: "tf-hostile".into(),
            web_url: "https://modal.invalid/token-flow/tf-hostile".into(),
            code: "HOSTILE".into(),
            wait_secret: "wait-hostile".into(),
        }
        .encode_to_vec(),
        "TokenFlowWait" => wire::TokenFlowWaitResponse {
            token_id: MINTED_ID.into(),
            token_secret: MINTED_SECRET.into(),
            timeout: false,
            workspace_username: "hostile".into(),
        }
        .encode_to_vec(),
        "ClientHello" => wire::ClientHelloResponse::default().encode_to_vec(),
        "WorkspaceNameLookup" => wire::WorkspaceNameLookupResponse {
            username: "hostile".into(),
            ..Default::default()
        }
        .encode_to_vec(),
        "TokenInfoGet" => wire::TokenInfoGetResponse {
            token_id: "ak-existing".into(),
            workspace_id: "ac-hostile".into(),
            workspace_name: "hostile".into(),
            ..Default::default()
        }
        .encode_to_vec(),
        _ => Vec::new(),
    }
}

/// The pair a good TokenFlowWait answer mints.
pub const MINTED_ID: &str = "ak-mintedbyhostile";
pub const MINTED_SECRET: &str = "as-mintedbyhostile";

pub struct HostileServer {
    pub port: u16,
    calls: Arc<Mutex<Vec<String>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HostileServer {
    pub fn start(misbehaviour: Misbehaviour, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, stop) = tokio::sync::oneshot::channel();
        let recorded = Arc::clone(&calls);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let serve = async {
                    loop {
                        let Ok((socket, _)) = listener.accept().await else {
                            continue;
                        };
                        let _ = socket.set_nodelay(true);
                        let misbehaviour = misbehaviour.clone();
                        let calls = Arc::clone(&recorded);
                        let tls = tls.clone();
                        tokio::spawn(async move {
                            match tls {
                                Some(config) => {
                                    let acceptor = tokio_rustls::TlsAcceptor::from(config);
                                    if let Ok(stream) = acceptor.accept(socket).await {
                                        connection(stream, misbehaviour, calls).await;
                                    }
                                }
                                None => connection(socket, misbehaviour, calls).await,
                            }
                        });
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = stop => {}
                }
            });
        });
        Self {
            port,
            calls,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The RPCs called so far, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Pseudo-random bytes, the same every run.
fn noise(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

async fn connection<S>(mut stream: S, misbehaviour: Misbehaviour, calls: Arc<Mutex<Vec<String>>>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut first = [0u8; 1024];
    match misbehaviour {
        Misbehaviour::Connection(Raw::CloseAtOnce) => {}
        Misbehaviour::Connection(Raw::Silent) => {
            while matches!(stream.read(&mut first).await, Ok(n) if n > 0) {}
        }
        Misbehaviour::Connection(Raw::GoAway) => {
            let Ok(mut h2) = h2::server::handshake(stream).await else {
                return;
            };
            h2.abrupt_shutdown(h2::Reason::INTERNAL_ERROR);
            while let Some(Ok(_)) = h2.accept().await {}
        }
        Misbehaviour::Connection(raw) => {
            let _ = stream.read(&mut first).await;
            let bytes: Vec<u8> = match raw {
                Raw::Garbage => noise(4096),
                Raw::TlsAlert => vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32],
                Raw::Http1Json => b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                    Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                    .to_vec(),
                Raw::HtmlPage => b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
                    Connection: close\r\n\r\n<!doctype html><title>Sign in to the Wi-Fi\x1b[2J\
                    </title><p>Please accept the terms</p>"
                    .to_vec(),
                Raw::Http2Garbage => {
                    let mut bytes = vec![0, 0, 0, 4, 0, 0, 0, 0, 0];
                    bytes.extend(noise(4096));
                    bytes
                }
                Raw::CloseAtOnce | Raw::Silent | Raw::GoAway => unreachable!(),
            };
            let _ = stream.write_all(&bytes).await;
            // A lingering close, as servers do: closing with the client's bytes unread would
            // send a reset that can overtake the answer.
            let _ = stream.shutdown().await;
            let drain = async { while matches!(stream.read(&mut first).await, Ok(n) if n > 0) {} };
            let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
        }
        Misbehaviour::None | Misbehaviour::Answer(..) | Misbehaviour::Once(..) => {
            serve_h2(stream, misbehaviour, calls).await;
        }
    }
}

async fn serve_h2<S>(stream: S, misbehaviour: Misbehaviour, calls: Arc<Mutex<Vec<String>>>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Ok(mut h2) = h2::server::handshake(stream).await else {
        return;
    };
    // An answer that drops the connection says so here.
    let drop_connection = Arc::new(tokio::sync::Notify::new());
    loop {
        let accepted = tokio::select! {
            accepted = h2.accept() => accepted,
            () = drop_connection.notified() => return,
        };
        let Some(Ok((request, respond))) = accepted else {
            return;
        };
        let rpc = request
            .uri()
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let first = {
            let mut calls = calls.lock().unwrap();
            let first = !calls.contains(&rpc);
            calls.push(rpc.clone());
            first
        };
        let bad = match &misbehaviour {
            Misbehaviour::Answer(target, bad) if *target == rpc => Some(bad.clone()),
            Misbehaviour::Once(target, bad) if *target == rpc && first => Some(bad.clone()),
            _ => None,
        };
        let drop_connection = Arc::clone(&drop_connection);
        tokio::spawn(async move {
            let silent = matches!(bad, Some(Bad::Silent));
            // Keep the request body alive while answering: dropping it resets the stream.
            let _body = request.into_body();
            let mut respond = respond;
            let _ = answer(&rpc, bad, &mut respond, &drop_connection).await;
            if silent {
                // Hold the stream open, unanswered, until the server stops.
                std::future::pending::<()>().await;
            }
        });
    }
}

type Sent = Result<(), h2::Error>;

fn grpc_head(content_type: &str) -> http::Response<()> {
    http::Response::builder()
        .status(200)
        .header("content-type", content_type)
        .body(())
        .unwrap()
}

fn framed(flag: u8, declared: usize, message: &[u8]) -> Bytes {
    let mut bytes = vec![flag];
    bytes.extend(u32::try_from(declared).unwrap().to_be_bytes());
    bytes.extend(message);
    bytes.into()
}

fn trailers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

const OK: &[(&str, &str)] = &[("grpc-status", "0")];

/// Percent-encodes a `grpc-message` as the gRPC spec says (everything outside 0x20..0x7e and %).
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if (0x20..0x7f).contains(&b) && b != b'%' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn answer(
    rpc: &str,
    bad: Option<Bad>,
    respond: &mut SendResponse<Bytes>,
    drop_connection: &tokio::sync::Notify,
) -> Sent {
    let good = good_answer(rpc);
    let Some(bad) = bad else {
        let mut stream = respond.send_response(grpc_head("application/grpc"), false)?;
        stream.send_data(framed(0, good.len(), &good), false)?;
        return stream.send_trailers(trailers(OK));
    };
    let grpc = || grpc_head("application/grpc");
    match bad {
        Bad::Truncated => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, good.len() + 10, &good), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::LengthTooShort => {
            let long = wire::TokenInfoGetResponse {
                token_id: "ak-".to_owned() + &"x".repeat(200),
                ..Default::default()
            }
            .encode_to_vec();
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, 3, &long), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::CompressedFlag | Bad::UnknownEncoding => {
            let mut head = grpc();
            if matches!(bad, Bad::UnknownEncoding) {
                head.headers_mut()
                    .insert("grpc-encoding", HeaderValue::from_static("br"));
            }
            let mut stream = respond.send_response(head, false)?;
            stream.send_data(framed(1, good.len(), &good), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::Huge => {
            let mut stream = respond.send_response(grpc(), false)?;
            let total = 100 << 20;
            stream.send_data(framed(0, total, &[]), false)?;
            let chunk = Bytes::from(vec![b'x'; 64 << 10]);
            let mut sent = 0;
            while sent < total {
                stream.reserve_capacity(chunk.len());
                match std::future::poll_fn(|cx| stream.poll_capacity(cx)).await {
                    Some(Ok(n)) => {
                        stream.send_data(chunk.slice(..n.min(total - sent)), false)?;
                        sent += n;
                    }
                    _ => return Ok(()),
                }
            }
            stream.send_trailers(trailers(OK))
        }
        Bad::WrongType => {
            let other = wire::TokenInfoGetResponse {
                token_id: "ak-other".into(),
                workspace_id: "ac-other".into(),
                workspace_name: "other".into(),
                created_at: Some(prost_types::Timestamp {
                    seconds: 1,
                    nanos: 2,
                }),
                ..Default::default()
            }
            .encode_to_vec();
            send_message(respond, &other)
        }
        Bad::NotProtobuf => send_message(respond, &noise(64)),
        Bad::NoTrailers => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, good.len(), &good), true)
        }
        Bad::NoGrpcStatus => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, good.len(), &good), false)?;
            stream.send_trailers(trailers(&[("x-served-by", "somewhere")]))
        }
        Bad::StatusNotNumeric | Bad::StatusOutOfRange => {
            let code = if matches!(bad, Bad::StatusNotNumeric) {
                "abc"
            } else {
                "99"
            };
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_trailers(trailers(&[("grpc-status", code)]))
        }
        Bad::Http500 => {
            let head = http::Response::builder()
                .status(500)
                .header("content-type", "text/plain")
                .body(())
                .unwrap();
            let mut stream = respond.send_response(head, false)?;
            stream.send_data(Bytes::from_static(b"upstream connect error\n"), true)
        }
        Bad::Http503Empty => {
            let head = http::Response::builder().status(503).body(()).unwrap();
            respond.send_response(head, true).map(drop)
        }
        Bad::HtmlOverH2 => {
            let mut stream = respond.send_response(grpc_head("text/html"), false)?;
            stream.send_data(
                Bytes::from_static(b"<!doctype html><h1>\x1b[31mLog in to the network</h1>"),
                true,
            )
        }
        Bad::JsonContentType => {
            let mut stream = respond.send_response(grpc_head("application/json"), false)?;
            stream.send_data(framed(0, good.len(), &good), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::Status(message) => {
            let mut stream = respond.send_response(grpc(), false)?;
            let encoded = percent_encoded(&message);
            stream.send_trailers(trailers(&[
                ("grpc-status", "13"),
                ("grpc-message", &encoded),
            ]))
        }
        Bad::ResetStream => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_reset(h2::Reason::INTERNAL_ERROR);
            Ok(())
        }
        Bad::DropConnection => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, 1000, &good), false)?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            drop_connection.notify_one();
            Ok(())
        }
        Bad::Silent => Ok(()),
        Bad::Drip => {
            let mut stream = respond.send_response(grpc(), false)?;
            let bytes = framed(0, good.len(), &good);
            for i in 0..bytes.len() {
                stream.send_data(bytes.slice(i..=i), false)?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            stream.send_trailers(trailers(OK))
        }
        Bad::TwoMessages => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, good.len(), &good), false)?;
            stream.send_data(framed(0, good.len(), &good), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::NoMessage => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::HeaderFlood => {
            let mut head = grpc();
            for i in 0..10_000 {
                head.headers_mut().append(
                    http::HeaderName::from_bytes(format!("x-flood-{i}").as_bytes()).unwrap(),
                    HeaderValue::from_static("0123456789012345678901234567890"),
                );
            }
            let mut stream = respond.send_response(head, false)?;
            stream.send_data(framed(0, good.len(), &good), false)?;
            stream.send_trailers(trailers(OK))
        }
        Bad::Warnings(count) => {
            let mut stream = respond.send_response(grpc(), false)?;
            stream.send_data(framed(0, good.len(), &good), false)?;
            let mut map = trailers(OK);
            for i in 0..count {
                map.append(
                    "x-modal-warning",
                    HeaderValue::from_str(&format!("warning {i}%0Awith a newline")).unwrap(),
                );
            }
            stream.send_trailers(map)
        }
        Bad::Message(bytes) => send_message(respond, &bytes),
    }
}

fn send_message(respond: &mut SendResponse<Bytes>, message: &[u8]) -> Sent {
    let mut stream = respond.send_response(grpc_head("application/grpc"), false)?;
    stream.send_data(framed(0, message.len(), message), false)?;
    stream.send_trailers(trailers(OK))
}

/// A certificate authority made for one test, and server certificates it signs.
pub struct TestCa {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    pub pem: String,
}

impl TestCa {
    pub fn new(name: &str) -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A TLS server config (ALPN h2) with a certificate for `names`, valid in the given years
    /// (from January 1st of the first to January 1st of the second) or rcgen's default.
    pub fn server_config(
        &self,
        names: &[&str],
        years: Option<(i32, i32)>,
    ) -> Arc<rustls::ServerConfig> {
        let mut params = rcgen::CertificateParams::new(
            names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
        )
        .unwrap();
        if let Some((from, to)) = years {
            params.not_before = rcgen::date_time_ymd(from, 1, 1);
            params.not_after = rcgen::date_time_ymd(to, 1, 1);
        }
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        Arc::new(config)
    }
}
