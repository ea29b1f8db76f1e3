//! A token secret as a type: it has no `Display`, its `Debug` is redacted, and `expose` marks
//! each place where the value leaves the program (the HTTP header and the config file).

use std::fmt;

/// A value that must never be printed, logged or put in an error.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call it only where the value is sent or stored.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("as-verysecret");
        let shown = format!("{secret:?} {:#?}", Some(&secret));
        assert!(!shown.contains("verysecret"), "{shown}");
        assert_eq!(secret.expose(), "as-verysecret");
    }
}
