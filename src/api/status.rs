//! What a failed call becomes: a gRPC status, a connection that could not be made, or a call
//! past its deadline, each turned into the one [`Error`] that says what to do about it.

use std::fmt;
use std::time::Duration;

use tonic::Code;

use super::types::Rpc;
use crate::error::{Error, NetFailure};
use crate::server_url::{Candidate, ServerUrl};
use crate::text::{sanitize, seconds};

/// What tonic says when an answer is not gRPC at all: no `grpc-status`, a body that is not
/// gRPC framing, or HTTP/2 broken the way only a non-gRPC server breaks it.
const NOT_GRPC: [&str; 7] = [
    "grpc-status header missing",
    "invalid compression flag",
    "frame with invalid size",
    "FRAME_SIZE_ERROR",
    "invalid HTTP version",
    "PROTOCOL_ERROR",
    "invalid content-type",
];

/// What tonic says when a gRPC answer cannot be read. None of these comes from the server:
/// tonic makes them up on this side, with the status code it chooses.
const UNREADABLE: [&str; 5] = [
    "failed to decode Protobuf message",
    "Missing response message",
    "compressed-flag but no grpc-encoding",
    "decoded message length too large",
    "which isn't supported",
];

/// tonic's words for an answer that stopped before its status.
const NO_STATUS: &str = "missing grpc-status trailer";

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
    let chain = status_chain(status);
    if let Some(what) = connection.not_http2 {
        return not_modal(format!("it does not answer HTTP/2 ({what})"));
    }
    if NOT_GRPC.iter().any(|needle| chain.contains(needle)) {
        return not_modal("it does not answer gRPC".into());
    }
    if chain.contains(NO_STATUS) {
        return not_modal(format!(
            "its {} answer ended without a gRPC status (a proxy may have cut it short)",
            rpc.name()
        ));
    }
    if UNREADABLE.iter().any(|needle| chain.contains(needle)) {
        return not_modal(format!(
            "its {} answer could not be read ({message})",
            rpc.name()
        ));
    }
    if status.code() == Code::Cancelled && chain.contains("Timeout expired") {
        return timed_out(connection.server, deadline, false);
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
            permission: false,
            overridden_by: None,
        },
        Code::PermissionDenied if rpc == Rpc::TokenFlowWait => Error::Denied {
            error: or_code(message, status.code()),
        },
        Code::PermissionDenied => Error::Rejected {
            server: url,
            message: or_code(message, status.code()),
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
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut io_error = None;
    while let Some(cause) = source {
        if let Some(dial) = cause.downcast_ref::<DialError>() {
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
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_error.get_or_insert(io.to_string());
        }
        source = cause.source();
    }
    let cause = io_error.unwrap_or_else(|| error_chain(error));
    let failure = if cause.contains("timed out") {
        NetFailure::Timeout(timeout)
    } else {
        NetFailure::Other
    };
    Error::Unreachable {
        url: candidate.url.clone(),
        cause: sanitize(&cause),
        failure,
        server_source: server.source.clone(),
        skippable: false,
    }
}

fn dial_error(status: &tonic::Status) -> Option<&DialError> {
    let mut source = std::error::Error::source(status);
    while let Some(cause) = source {
        if let Some(dial) = cause.downcast_ref::<DialError>() {
            return Some(dial);
        }
        source = cause.source();
    }
    None
}

/// The deepest cause of a status tonic made from an error, if it was made from one.
fn innermost(status: &tonic::Status) -> Option<String> {
    let mut source = std::error::Error::source(status)?;
    while let Some(deeper) = source.source() {
        source = deeper;
    }
    Some(source.to_string())
}

fn status_chain(status: &tonic::Status) -> String {
    let mut text = status.message().to_owned();
    let mut source = std::error::Error::source(status);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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
