//! What a failed call becomes: a gRPC status, a connection that could not be made, or a call
//! past its deadline, each turned into the one [`Error`] that says what to do about it.

use std::fmt;
use std::time::Duration;

use tonic::Code;

use super::types::Rpc;
use crate::error::{Error, NetFailure};
use crate::server_url::{Candidate, ServerUrl};
use crate::text::{sanitize, seconds};

/// What was wrong with an answer, before any status the server may have sent counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Not gRPC at all: no `grpc-status`, a body that is not gRPC framing, or HTTP/2 broken
    /// the way only a non-gRPC server breaks it.
    NotGrpc,
    /// A gRPC answer that stopped before its status.
    NoStatus,
    /// A gRPC answer that cannot be read.
    Unreadable,
    /// The call's deadline passed.
    TimedOut,
}

/// What tonic says, with no type of its own, of answers it makes up a status for on this side.
/// Each text is pinned against the tonic in Cargo.lock by the hostile-server test named
/// beside it (tests/integration/hostile_servers.rs).
const TONIC_SAYS: [(&str, Fault); 8] = [
    ("grpc-status header missing", Fault::NotGrpc), // sent_http_503_with_no_body
    ("invalid compression flag", Fault::NotGrpc),   // sent_an_html_page_over_http_2
    ("missing grpc-status trailer", Fault::NoStatus), // sent_no_trailers
    ("failed to decode Protobuf message", Fault::Unreadable), // sent_bytes_that_are_not_protobuf
    ("Missing response message", Fault::Unreadable), // sent_status_ok_without_a_message
    ("compressed-flag but no grpc-encoding", Fault::Unreadable), // sent_the_compressed_flag_without_grpc_encoding
    ("decoded message length too large", Fault::Unreadable),     // sent_a_100_mib_message
    ("which isn't supported", Fault::Unreadable),                // sent_grpc_encoding_br
];

/// The fault of a failed call, if it was one: by type where tonic, h2 and hyper have one
/// (tonic's `TimeoutExpired`, h2's reason), else by tonic's words. (hyper's parse errors
/// come only from HTTP/1, which the preface check in transport/ turns away first.)
fn fault(status: &tonic::Status) -> Option<Fault> {
    for cause in causes(status) {
        if cause.is::<tonic::TimeoutExpired>() {
            return Some(Fault::TimedOut);
        }
        let h2_reason = cause
            .downcast_ref::<h2::Error>()
            .and_then(h2::Error::reason);
        if matches!(
            h2_reason,
            Some(h2::Reason::PROTOCOL_ERROR | h2::Reason::FRAME_SIZE_ERROR)
        ) {
            return Some(Fault::NotGrpc);
        }
    }
    let message = status.message();
    TONIC_SAYS
        .iter()
        .find(|(words, _)| message.contains(words))
        .map(|(_, fault)| *fault)
}

/// The errors a status was made from, outermost first.
fn causes(status: &tonic::Status) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    std::iter::successors(std::error::Error::source(status), |cause| cause.source())
}

/// Why a connection could not be made, carried through tonic's error chain.
#[derive(Debug)]
pub struct DialError {
    pub failure: crate::error::NetFailure,
    pub detail: String,
}

impl fmt::Display for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for DialError {}

/// The connection a call was answered on, as far as its error needs it.
pub struct Answered<'a> {
    /// The URL of the list that was dialled.
    pub url: &'a str,
    pub server: &'a ServerUrl,
    /// What was wrong with the server's first bytes, when they were not HTTP/2.
    pub not_http2: Option<&'static str>,
}

pub fn from_status(
    status: &tonic::Status,
    rpc: Rpc,
    connection: &Answered<'_>,
    deadline: Duration,
) -> Error {
    let url = connection.url.to_owned();
    let server_source = connection.server.source.clone();
    let message = sanitize(status.message());
    let not_modal = |detail: String| Error::NotModalApi {
        url: url.clone(),
        server_source: server_source.clone(),
        detail,
    };
    if let Some(what) = connection.not_http2 {
        return not_modal(format!("it does not answer HTTP/2 ({what})"));
    }
    match fault(status) {
        Some(Fault::NotGrpc) => return not_modal("it does not answer gRPC".into()),
        Some(Fault::NoStatus) => {
            return not_modal(format!(
                "its {} answer ended without a gRPC status (a proxy may have cut it short)",
                rpc.name()
            ));
        }
        Some(Fault::Unreadable) => {
            return not_modal(format!(
                "its {} answer could not be read ({message})",
                rpc.name()
            ));
        }
        Some(Fault::TimedOut) => return timed_out(connection.server, deadline, false),
        None => {}
    }
    // A status the server sent has no source; one with a source is tonic reporting that the
    // connection or the stream broke.
    if let Some(dial) = dial_error(status) {
        // The channel reconnected for this call and could not.
        return Error::Unreachable {
            url,
            cause: dial.detail.clone(),
            failure: dial.failure.clone(),
            server_source,
            skippable: false,
        };
    }
    if let Some(cause) = innermost(status) {
        return Error::Unreachable {
            url,
            cause: format!(
                "the connection broke during the call ({})",
                sanitize(&cause)
            ),
            failure: NetFailure::Dropped,
            server_source,
            skippable: false,
        };
    }
    match status.code() {
        Code::Unauthenticated => Error::Rejected {
            server: url,
            message: or_code(message, status.code()),
            what: crate::error::THE_TOKEN,
            permission: false,
            overridden_by: None,
        },
        Code::PermissionDenied if rpc == Rpc::TokenFlowWait => Error::Denied {
            error: or_code(message, status.code()),
        },
        Code::PermissionDenied => Error::Rejected {
            server: url,
            message: or_code(message, status.code()),
            what: crate::error::THE_TOKEN,
            permission: true,
            overridden_by: None,
        },
        Code::NotFound if rpc == Rpc::TokenFlowWait => Error::FlowFailed {
            reason: format!(
                "the server no longer knows this login: it expired or was used ({})",
                or_code(message, status.code())
            ),
        },
        Code::FailedPrecondition => Error::ClientRefused {
            url,
            message: or_code(message, status.code()),
            speaks_as: super::headers::CLIENT_VERSION,
        },
        Code::Unimplemented => not_modal(format!("it does not implement {}", rpc.name())),
        Code::DeadlineExceeded => timed_out(connection.server, deadline, false),
        Code::Unavailable => Error::Unreachable {
            url,
            cause: or_code(message, status.code()),
            failure: NetFailure::Unavailable,
            server_source,
            skippable: false,
        },
        code => Error::Server {
            url,
            code: code_name(code),
            message: if message.is_empty() {
                "(no message)".into()
            } else {
                message
            },
            server_source,
        },
    }
}

/// No answer within `deadline`.
pub fn timed_out(server: &ServerUrl, deadline: Duration, skippable: bool) -> Error {
    Error::Unreachable {
        url: server.candidates[0].url.clone(),
        cause: format!("no answer within {}", seconds(deadline)),
        failure: NetFailure::Timeout(deadline),
        server_source: server.source.clone(),
        skippable,
    }
}

/// A connection to `candidate` that could not be made.
pub fn connect_failed(
    candidate: &Candidate,
    server: &ServerUrl,
    timeout: Duration,
    error: &tonic::transport::Error,
) -> Error {
    let chain = || {
        let error: &(dyn std::error::Error + 'static) = error;
        std::iter::successors(Some(error), |cause| cause.source())
    };
    if let Some(dial) = chain().find_map(|cause| cause.downcast_ref::<DialError>()) {
        if dial.failure == NetFailure::NotHttp2 {
            return Error::NotModalApi {
                url: candidate.url.clone(),
                server_source: server.source.clone(),
                detail: dial.detail.clone(),
            };
        }
        return Error::Unreachable {
            url: candidate.url.clone(),
            cause: dial.detail.clone(),
            failure: dial.failure.clone(),
            server_source: server.source.clone(),
            skippable: false,
        };
    }
    let io = chain().find_map(|cause| cause.downcast_ref::<std::io::Error>());
    let failure = if io.is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        || chain().any(|cause| cause.is::<tonic::TimeoutExpired>())
    {
        NetFailure::Timeout(timeout)
    } else {
        NetFailure::Other
    };
    let cause = io.map_or_else(|| error_chain(error), ToString::to_string);
    Error::Unreachable {
        url: candidate.url.clone(),
        cause: sanitize(&cause),
        failure,
        server_source: server.source.clone(),
        skippable: false,
    }
}

fn dial_error(status: &tonic::Status) -> Option<&DialError> {
    causes(status).find_map(|cause| cause.downcast_ref::<DialError>())
}

/// The deepest cause of a status tonic made from an error, if it was made from one.
fn innermost(status: &tonic::Status) -> Option<String> {
    causes(status).last().map(ToString::to_string)
}

/// An error with its causes ("transport error: connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn or_code(message: String, code: Code) -> String {
    if message.is_empty() {
        code_name(code)
    } else {
        message
    }
}

/// The status code's name as gRPC writes it: `UNAVAILABLE`, `PERMISSION_DENIED`.
pub fn code_name(code: Code) -> String {
    let camel = format!("{code:?}");
    let mut name = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_grpc_names() {
        assert_eq!(code_name(Code::PermissionDenied), "PERMISSION_DENIED");
        assert_eq!(code_name(Code::Internal), "INTERNAL");
        assert_eq!(code_name(Code::DeadlineExceeded), "DEADLINE_EXCEEDED");
    }
}
