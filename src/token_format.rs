//! The shape of Modal tokens: ids are `ak-` and secrets `as-`, then letters and digits.

pub const TOKEN_ID_PREFIX: &str = "ak-";
pub const TOKEN_SECRET_PREFIX: &str = "as-";
/// The longest id or secret accepted. Modal's are about 25 characters; a server or a paste
/// that sends a megabyte is refused rather than written.
pub const MAX_TOKEN_LEN: usize = 256;

/// Whether `value` is a token id: `ak-` then at least one ASCII letter or digit, at most
/// [`MAX_TOKEN_LEN`] in all.
pub fn is_token_id(value: &str) -> bool {
    shaped(value, TOKEN_ID_PREFIX)
}

/// Whether `value` is a token secret: `as-` then at least one ASCII letter or digit, at most
/// [`MAX_TOKEN_LEN`] in all.
pub fn is_token_secret(value: &str) -> bool {
    shaped(value, TOKEN_SECRET_PREFIX)
}

fn shaped(value: &str, prefix: &str) -> bool {
    value.len() <= MAX_TOKEN_LEN
        && value
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
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
}
