//! Every header modal-setup sends to Modal's API, in one place (docs/protocol.md lists them with
//! the reasons).

use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};

use super::types::Auth;
use crate::error::{Error, Result};

/// `x-modal-client-type`: ClientType.CLIENT_TYPE_CLIENT, the type Modal's Python client sends.
/// modal-setup does what 1.6.4's credential commands do, and there is no value for other
/// clients (the Go and JS SDKs send their own types, which never log in).
pub const CLIENT_TYPE: &str = "1";
/// `x-modal-client-version`: the version of Modal's client whose behaviour modal-setup mirrors
/// ("behaves like this Python client version", as the Go and JS SDKs say of theirs).
pub const CLIENT_VERSION: &str = "1.6.4";
/// `x-modal-python-version`: Modal's own test server requires it of type-1 clients. modal-setup
/// runs no Python; it sends the version 1.6.4 was seen sending.
pub const PYTHON_VERSION: &str = "3.11.7";
/// `user-agent`: names modal-setup honestly (tonic appends its own name).
pub const USER_AGENT: &str = concat!("modal-setup/", env!("CARGO_PKG_VERSION"));

pub const CLIENT_TYPE_HEADER: &str = "x-modal-client-type";
pub const CLIENT_VERSION_HEADER: &str = "x-modal-client-version";
pub const PYTHON_VERSION_HEADER: &str = "x-modal-python-version";
pub const TOKEN_ID_HEADER: &str = "x-modal-token-id";
pub const TOKEN_SECRET_HEADER: &str = "x-modal-token-secret";
/// OAuth credentials, as Modal's Python client 1.6.4 sends them (modal/client.py
/// `_get_metadata`).
pub const REFRESH_TOKEN_HEADER: &str = "x-modal-refresh-token";
pub const OAUTH_CLIENT_ID_HEADER: &str = "x-modal-oauth-client-id";
pub const OAUTH_CLIENT_SECRET_HEADER: &str = "x-modal-oauth-client-secret";
/// Trailing metadata of any answer: a warning to show, percent-encoded.
pub const WARNING_HEADER: &str = "x-modal-warning";

/// Sets the headers of one call: the client's, the credentials' when `auth` is given, then
/// MODAL_OVERRIDE_HEADERS over them all.
pub fn set(
    metadata: &mut MetadataMap,
    auth: Option<&Auth>,
    overrides: &[(String, String)],
) -> Result<()> {
    metadata.insert(CLIENT_TYPE_HEADER, MetadataValue::from_static(CLIENT_TYPE));
    metadata.insert(
        CLIENT_VERSION_HEADER,
        MetadataValue::from_static(CLIENT_VERSION),
    );
    metadata.insert(
        PYTHON_VERSION_HEADER,
        MetadataValue::from_static(PYTHON_VERSION),
    );
    let (names, values): ([&'static str; 2], [(&str, bool); 2]) = match auth {
        None => ([TOKEN_ID_HEADER, TOKEN_SECRET_HEADER], [("", false); 2]),
        Some(Auth::Token(token)) => (
            [TOKEN_ID_HEADER, TOKEN_SECRET_HEADER],
            [
                (&token.token_id, false),
                (token.token_secret.expose(), true),
            ],
        ),
        Some(Auth::OAuth(oauth)) => {
            let mut secret = MetadataValue::try_from(oauth.client_secret.expose())
                .map_err(|_| unsendable("OAuth client secret"))?;
            secret.set_sensitive(true);
            metadata.insert(OAUTH_CLIENT_SECRET_HEADER, secret);
            (
                [REFRESH_TOKEN_HEADER, OAUTH_CLIENT_ID_HEADER],
                [
                    (oauth.refresh_token.expose(), true),
                    (&oauth.client_id, false),
                ],
            )
        }
    };
    if auth.is_some() {
        for (name, (value, sensitive)) in names.into_iter().zip(values) {
            let mut value = MetadataValue::try_from(value).map_err(|_| unsendable(name))?;
            value.set_sensitive(sensitive);
            metadata.insert(name, value);
        }
    }
    for (name, value) in overrides {
        let key = MetadataKey::from_bytes(name.as_bytes()).expect("checked when parsed");
        let value = MetadataValue::try_from(value.as_str()).expect("checked when parsed");
        metadata.insert(key, value);
    }
    Ok(())
}

/// A credential that cannot be sent in a header (the value is never shown).
fn unsendable(what: &'static str) -> Error {
    Error::InvalidInput {
        what,
        problem: "it holds characters that cannot be sent in a header (the value is not shown)"
            .into(),
        hint: "copy the credentials again from the Modal dashboard, or run `modal-setup setup`"
            .into(),
    }
}

/// Parses MODAL_OVERRIDE_HEADERS as 1.6.4 does: `name:value` pairs separated by commas.
pub fn parse_override_headers(raw: &str) -> Result<Vec<(String, String)>> {
    let invalid = |problem: String| Error::InvalidInput {
        what: "MODAL_OVERRIDE_HEADERS",
        problem,
        hint: "write it as name:value pairs separated by commas, e.g. x-modal-client-version:1.6.4"
            .into(),
    };
    raw.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let Some((name, value)) = pair.split_once(':') else {
                return Err(invalid(format!("'{}' has no ':'", pair.trim())));
            };
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim().to_owned();
            if MetadataKey::<tonic::metadata::Ascii>::from_bytes(name.as_bytes()).is_err()
                || name.ends_with("-bin")
            {
                return Err(invalid(format!("'{name}' is not a header name")));
            }
            if MetadataValue::try_from(value.as_str()).is_err() {
                return Err(invalid(format!(
                    "the value of '{name}' is not printable ASCII"
                )));
            }
            Ok((name, value))
        })
        .collect()
}

/// The `x-modal-warning` entries of an answer's metadata, decoded.
pub fn warnings(metadata: &MetadataMap) -> Vec<String> {
    metadata
        .get_all(WARNING_HEADER)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(|text| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Credentials;
    use crate::secret::Secret;

    #[test]
    fn overrides_parse_as_modal_does() {
        assert_eq!(
            parse_override_headers("x-modal-client-version:1.0.0, X-Other : a:b").unwrap(),
            vec![
                ("x-modal-client-version".to_owned(), "1.0.0".to_owned()),
                ("x-other".to_owned(), "a:b".to_owned())
            ]
        );
        assert!(parse_override_headers("").unwrap().is_empty());
        assert!(parse_override_headers("novalue").is_err());
        assert!(parse_override_headers("bad name:x").is_err());
        assert!(parse_override_headers("x-a:\u{7}").is_err());
    }

    #[test]
    fn token_headers_only_with_credentials_and_overrides_win() {
        let mut anonymous = MetadataMap::new();
        set(&mut anonymous, None, &[]).unwrap();
        assert_eq!(anonymous.get(CLIENT_TYPE_HEADER).unwrap(), "1");
        assert_eq!(anonymous.get(CLIENT_VERSION_HEADER).unwrap(), "1.6.4");
        assert!(anonymous.get(TOKEN_ID_HEADER).is_none());
        assert!(anonymous.get(TOKEN_SECRET_HEADER).is_none());

        let credentials = Auth::Token(Credentials::new("ak-1", Secret::new("as-1")));
        let overrides = parse_override_headers("x-modal-client-version:1.0.0").unwrap();
        let mut signed = MetadataMap::new();
        set(&mut signed, Some(&credentials), &overrides).unwrap();
        assert_eq!(signed.get(TOKEN_ID_HEADER).unwrap(), "ak-1");
        assert_eq!(signed.get(TOKEN_SECRET_HEADER).unwrap(), "as-1");
        assert_eq!(signed.get(CLIENT_VERSION_HEADER).unwrap(), "1.0.0");
        // The secret's header value never shows in Debug output.
        assert!(!format!("{signed:?}").contains("as-1"));

        // OAuth: the three headers Modal's Python client sends, no token's; the refresh token
        // and the client secret never in Debug output either.
        let oauth = Auth::OAuth(crate::api::OAuthCredentials {
            refresh_token: Secret::new("rt-1"),
            client_id: "oc-1".into(),
            client_secret: Secret::new("os-1"),
        });
        let mut sent = MetadataMap::new();
        set(&mut sent, Some(&oauth), &[]).unwrap();
        assert_eq!(sent.get(REFRESH_TOKEN_HEADER).unwrap(), "rt-1");
        assert_eq!(sent.get(OAUTH_CLIENT_ID_HEADER).unwrap(), "oc-1");
        assert_eq!(sent.get(OAUTH_CLIENT_SECRET_HEADER).unwrap(), "os-1");
        assert!(sent.get(TOKEN_ID_HEADER).is_none());
        let debug = format!("{sent:?}");
        assert!(
            !debug.contains("rt-1") && !debug.contains("os-1"),
            "{debug}"
        );
    }

    #[test]
    fn warnings_are_percent_decoded() {
        let mut metadata = MetadataMap::new();
        metadata.append(
            WARNING_HEADER,
            MetadataValue::from_static("Upgrade%20soon%21"),
        );
        metadata.append(WARNING_HEADER, MetadataValue::from_static("second"));
        assert_eq!(warnings(&metadata), ["Upgrade soon!", "second"]);
    }
}
