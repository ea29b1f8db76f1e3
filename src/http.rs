//! Small tiny_http helpers shared by the callback server and the reference dashboard.

use tiny_http::{Header, Request};

/// The value of a request header, matched without regard to case.
pub fn request_header(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_owned())
}

/// A response header built from text this crate writes itself.
pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("headers built here are valid")
}
