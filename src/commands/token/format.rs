//! The shape of Modal tokens, checked in this one place: ids are `ak-` and secrets `as-`, then
//! letters and digits; what a user types is refused with what to do, and what a server sends
//! is refused before anything is done with it.

use crate::api::Credentials;
use crate::error::{Error, Result};
use crate::secret::Secret;

const TOKEN_ID_PREFIX: &str = "ak-";
const TOKEN_SECRET_PREFIX: &str = "as-";
/// The longest id or secret accepted. Modal's are about 25 characters; a server or a paste
/// that sends a megabyte is refused rather than written.
pub const MAX_TOKEN_LEN: usize = 256;

/// Whether `value` is a token id: `ak-` then at least one ASCII letter or digit, at most
/// [`MAX_TOKEN_LEN`] in all.
fn is_token_id(value: &str) -> bool {
    shaped(value, TOKEN_ID_PREFIX)
}

/// Whether `value` is a token secret: `as-` then at least one ASCII letter or digit, at most
/// [`MAX_TOKEN_LEN`] in all.
fn is_token_secret(value: &str) -> bool {
    shaped(value, TOKEN_SECRET_PREFIX)
}

fn shaped(value: &str, prefix: &str) -> bool {
    value.len() <= MAX_TOKEN_LEN
        && value
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `ak-` then letters and digits, surrounding whitespace trimmed.
pub fn validate_token_id(raw: &str) -> Result<String> {
    let id = raw.trim();
    if is_token_id(id) {
        return Ok(id.to_owned());
    }
    Err(Error::InvalidInput {
        what: "token id",
        problem: if id.is_empty() {
            "it is empty".into()
        } else if id.starts_with("as-") {
            // Never echo it: it is probably the secret, passed in the wrong place.
            "it looks like a token secret (as-…); were --id and --secret swapped?".into()
        } else {
            format!(
                "'{}' does not look like ak- followed by letters and digits (at most {MAX_TOKEN_LEN} in all)",
                truncate(id)
            )
        },
        hint: "copy the token id (ak-…) from the Modal dashboard, or run `modal-setup setup`"
            .into(),
    })
}

/// `as-` then letters and digits, surrounding whitespace trimmed. The value is never shown.
pub fn validate_token_secret(raw: &Secret) -> Result<Secret> {
    let secret = raw.expose().trim();
    if is_token_secret(secret) {
        return Ok(Secret::new(secret));
    }
    Err(Error::InvalidInput {
        what: "token secret",
        problem: if secret.is_empty() {
            "it is empty".into()
        } else {
            format!(
                "it does not look like as- followed by letters and digits, at most {MAX_TOKEN_LEN} in all (the value is not shown)"
            )
        },
        hint: "copy the token secret (as-…) from the Modal dashboard, or run `modal-setup setup`"
            .into(),
    })
}

fn truncate(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// A token minted by a login, checked before anything is done with it: a server can send
/// anything, but only an `ak-`/`as-` pair is ever verified or written.
pub fn check_minted(credentials: Credentials) -> Result<Credentials> {
    let shaped =
        is_token_id(&credentials.token_id) && is_token_secret(credentials.token_secret.expose());
    if shaped {
        return Ok(credentials);
    }
    Err(Error::FlowFailed {
        reason: "the server sent a token that is not an ak-/as- pair; nothing was written".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_token_id("ak-Abc123") && is_token_secret("as-Z9"));
        for bad in ["", "ak-", "as-x", "ak-a-b", "ak-a b", "AK-a", "ak-é"] {
            assert!(!is_token_id(bad), "{bad:?}");
        }
        assert!(!is_token_secret("ak-x") && !is_token_secret("as-a_b"));
        let longest = format!("ak-{}", "a".repeat(MAX_TOKEN_LEN - 3));
        assert!(is_token_id(&longest) && !is_token_id(&format!("{longest}a")));
    }

    #[test]
    fn token_formats() {
        assert_eq!(validate_token_id("  ak-Abc123\n").unwrap(), "ak-Abc123");
        for bad in [
            "",
            "ak-",
            "as-abc",
            "ak-abc-def",
            "ak-ab c",
            "AK-abc",
            "ak-é",
        ] {
            assert!(validate_token_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            validate_token_secret(&Secret::new(" as-XYZ9 "))
                .unwrap()
                .expose(),
            "as-XYZ9"
        );
        for bad in ["", "as-", "ak-abc", "as-abc_def"] {
            assert!(validate_token_secret(&Secret::new(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn invalid_secret_error_never_shows_the_value() {
        let error = validate_token_secret(&Secret::new("as-abc_SECRETPART")).unwrap_err();
        let shown = format!("{error} {error:?} {}", error.hint().unwrap_or_default());
        assert!(!shown.contains("SECRETPART"), "{shown}");
    }
}
