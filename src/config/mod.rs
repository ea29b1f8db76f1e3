//! The Modal config file: where it is ([`path`]), what it holds ([`Config`]), how it is changed
//! ([`edit`]) and written ([`store`]), and which values are in effect ([`resolve`]).
//!
//! This module knows nothing of commands or of the network.

pub mod clients;
pub mod edit;
pub mod path;
pub mod resolve;
pub mod store;

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike};

use crate::error::{Error, Location, Result};
use crate::secret::Secret;

/// The server used when neither MODAL_SERVER_URL nor the profile names one.
pub const DEFAULT_SERVER_URL: &str = "https://api.modal.com,https://api.modal2.com";
/// The profile in effect when nothing else chooses one.
pub const DEFAULT_PROFILE: &str = "default";

/// Modal's second kind of credential, for third-party integrations (Python 1.6.4 and the JS
/// SDK 0.11.1 read it; the Go SDK 0.7.2 does not): each key of a profile with the variable that
/// overrides it. All four values are secrets.
pub const OAUTH_KEYS: [(&str, &str); 4] = [
    ("oauth_refresh_token", crate::env::MODAL_OAUTH_REFRESH_TOKEN),
    ("oauth_client_id", crate::env::MODAL_OAUTH_CLIENT_ID),
    ("oauth_client_secret", crate::env::MODAL_OAUTH_CLIENT_SECRET),
    ("oauth_jwt_key", crate::env::MODAL_OAUTH_JWT_KEY),
];

const BOM: &str = "\u{feff}";

/// A parsed, validated config file that can be edited without disturbing what it does not touch.
#[derive(Clone, Debug)]
pub struct Config {
    path: PathBuf,
    doc: Doc,
    /// How the original text was laid out, so that rendering gives back the same bytes.
    layout: Layout,
}

/// The document as parsed (cheap to read, renders as the original bytes) until the first edit
/// turns it into an editable one. Commands that only read never pay for that conversion.
#[derive(Clone, Debug)]
enum Doc {
    Parsed(toml_edit::Document<String>),
    Editable(DocumentMut),
}

#[derive(Clone, Copy, Debug)]
struct Layout {
    bom: bool,
    crlf: bool,
    final_newline: bool,
}

impl Layout {
    fn of(text: &str) -> Self {
        let body = text.strip_prefix(BOM).unwrap_or(text);
        let newlines = body.matches('\n').count();
        let crlf_newlines = body.matches("\r\n").count();
        Self {
            bom: body.len() != text.len(),
            crlf: newlines > 0 && newlines == crlf_newlines,
            final_newline: body.is_empty() || body.ends_with('\n'),
        }
    }
}

/// One profile of the file, read-only.
#[derive(Clone, Copy)]
pub struct Profile<'a> {
    name: &'a str,
    table: &'a dyn TableLike,
}

impl<'a> Profile<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }

    fn string(&self, key: &str) -> Option<&'a str> {
        self.table.get(key).and_then(Item::as_str)
    }

    pub fn token_id(&self) -> Option<&'a str> {
        self.string("token_id")
    }

    pub fn token_secret(&self) -> Option<Secret> {
        self.string("token_secret").map(Secret::new)
    }

    pub fn server_url(&self) -> Option<&'a str> {
        self.string("server_url")
    }

    pub fn environment(&self) -> Option<&'a str> {
        self.string("environment")
    }

    /// The value of an OAuth key ([`OAUTH_KEYS`]); a secret, never shown.
    pub fn oauth(&self, key: &str) -> Option<Secret> {
        self.string(key).filter(|v| !v.is_empty()).map(Secret::new)
    }

    /// Whether the table says `active = true`.
    pub fn is_active(&self) -> bool {
        self.table
            .get("active")
            .and_then(Item::as_bool)
            .unwrap_or(false)
    }
}

impl std::fmt::Debug for Profile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("token_id", &self.token_id())
            .field("active", &self.is_active())
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A config with no profiles, as for a file that does not exist yet.
    pub fn empty(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            doc: Doc::Editable(DocumentMut::new()),
            layout: Layout::of(""),
        }
    }

    /// Parses and validates the bytes of the file at `path`.
    ///
    /// Refused, with the line and column of the problem: bytes that are not UTF-8, TOML syntax
    /// errors, top-level entries that are not tables, an `active` that is not a boolean, and
    /// token or URL values that are not strings.
    pub fn parse(path: impl Into<PathBuf>, bytes: &[u8]) -> Result<Self> {
        let path = path.into();
        let text = std::str::from_utf8(bytes).map_err(|e| Error::ConfigInvalid {
            path: path.clone(),
            at: Location::of_offset(bytes, e.valid_up_to()),
            message: "the file is not valid UTF-8".into(),
            fix: "save the file as UTF-8 text".into(),
        })?;
        let layout = Layout::of(text);
        let body = text.strip_prefix(BOM).unwrap_or(text);
        // Columns are counted as an editor shows them, without the invisible byte-order mark.
        let located = |offset: usize| Location::of_offset(body.as_bytes(), offset);

        let document = toml_edit::Document::parse(body.to_owned()).map_err(|e| Error::ConfigInvalid {
            path: path.clone(),
            at: located(e.span().map_or(0, |s| s.start)),
            message: format!("invalid TOML: {}", e.message()),
            fix: "fix the file at that line (or move it aside to start afresh); modal-setup never rewrites a file it cannot parse".into(),
        })?;
        validate(&document, &|offset, message: String, fix: &str| {
            Error::ConfigInvalid {
                path: path.clone(),
                at: located(offset),
                message,
                fix: fix.to_owned(),
            }
        })?;
        Ok(Self {
            path,
            doc: Doc::Parsed(document),
            layout,
        })
    }

    /// The path the file was read from (or will be written to).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The root table, for reading.
    fn root(&self) -> &toml_edit::Table {
        match &self.doc {
            Doc::Parsed(doc) => doc.as_table(),
            Doc::Editable(doc) => doc.as_table(),
        }
    }

    /// The document, made editable on first use.
    fn doc_mut(&mut self) -> &mut DocumentMut {
        if matches!(self.doc, Doc::Parsed(_)) {
            let placeholder = Doc::Editable(DocumentMut::new());
            if let Doc::Parsed(parsed) = std::mem::replace(&mut self.doc, placeholder) {
                self.doc = Doc::Editable(parsed.into_mut());
            }
        }
        match &mut self.doc {
            Doc::Editable(doc) => doc,
            Doc::Parsed(_) => unreachable!("converted above"),
        }
    }

    /// The file's text, laid out as the original was: same line endings and final newline. A
    /// file that was not edited renders as exactly the bytes read; an edited one without a
    /// byte-order mark.
    pub fn render(&self) -> String {
        let doc = match &self.doc {
            Doc::Parsed(parsed) => {
                let bom = if self.layout.bom { BOM } else { "" };
                return format!("{bom}{}", parsed.raw());
            }
            Doc::Editable(doc) => doc,
        };
        let mut text = doc.to_string();
        if !self.layout.final_newline && text.ends_with('\n') {
            text.pop();
        }
        if self.layout.crlf {
            text = to_crlf(&text);
        }
        // An edited file loses its byte-order mark: Modal's Python client and the Go SDK
        // refuse a file that starts with one.
        text
    }

    /// Whether the file begins with a UTF-8 byte-order mark, which Modal's Python client and
    /// the Go SDK refuse ("Found invalid character in key name: '['", "invalid character at
    /// start of key"); any write by modal-setup removes it.
    pub fn has_bom(&self) -> bool {
        self.layout.bom
    }

    /// Every profile, in the order of the file.
    pub fn profiles(&self) -> impl Iterator<Item = Profile<'_>> {
        self.root().iter().filter_map(|(name, item)| {
            Some(Profile {
                name,
                table: item.as_table_like()?,
            })
        })
    }

    pub fn profile(&self, name: &str) -> Option<Profile<'_>> {
        let (name, item) = self.root().get_key_value(name)?;
        Some(Profile {
            name: name.get(),
            table: item.as_table_like()?,
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.profile(name).is_some()
    }

    pub fn profile_names(&self) -> Vec<String> {
        self.profiles().map(|p| p.name().to_owned()).collect()
    }

    /// The profiles with `active = true`, in the order of the file.
    pub fn active_profiles(&self) -> Vec<&str> {
        self.profiles()
            .filter(Profile::is_active)
            .map(|p| p.name())
            .collect()
    }

    /// The profiles that hold token `token_id`, in the order of the file.
    pub fn holders_of(&self, token_id: &str) -> Vec<String> {
        self.profiles()
            .filter(|p| p.token_id() == Some(token_id))
            .map(|p| p.name().to_owned())
            .collect()
    }

    /// The profiles that hold a token (an id and a secret), in the order of the file.
    pub fn token_holders(&self) -> Vec<String> {
        self.profiles()
            .filter(|p| p.token_id().is_some() && p.token_secret().is_some())
            .map(|p| p.name().to_owned())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.profiles().next().is_none()
    }
}

/// Lone `\n` become `\r\n`; existing `\r\n` stay.
fn to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous = '\0';
    for c in text.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
    out
}

/// Keys whose values modal-setup and Modal read as strings.
const STRING_KEYS: &[&str] = &["token_id", "token_secret", "server_url", "environment"];

/// Syntax toml_edit (TOML 1.1) reads and Modal's Python client (toml 0.10.2, TOML 0.5) refuses,
/// with the whole file; the Go SDK's go-toml v2 refuses some of it too. Each case was run
/// against both real parsers (tests/interop, tests/integration/go_sdk.rs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewerSyntax {
    pub what: &'static str,
    /// Whether go-toml v2 refuses it as well.
    pub go_refuses: bool,
    /// Where, 1-based.
    pub line: usize,
}

impl Config {
    /// Every syntax of the file that a client's parser refuses (see [`NewerSyntax`]), in the
    /// order of the file, as read; a file edited in memory is not looked at again.
    pub fn newer_syntax(&self) -> Vec<NewerSyntax> {
        let Doc::Parsed(document) = &self.doc else {
            return Vec::new();
        };
        let raw = document.raw();
        let mut found = Vec::new();
        let mut visit = |value: &toml_edit::Value| {
            if let Some((what, go_refuses)) = newer_in(value, raw) {
                let at = value.span().map_or(0, |s| s.start);
                let line = 1 + raw[..at.min(raw.len())].matches('\n').count();
                found.push(NewerSyntax {
                    what,
                    go_refuses,
                    line,
                });
            }
        };
        for (_, item) in document.as_table().iter() {
            walk(item, &mut visit);
        }
        found
    }
}

/// Calls `visit` on every value below `item`, arrays and inline tables included.
fn walk(item: &Item, visit: &mut dyn FnMut(&toml_edit::Value)) {
    fn value(v: &toml_edit::Value, visit: &mut dyn FnMut(&toml_edit::Value)) {
        visit(v);
        match v {
            toml_edit::Value::Array(array) => array.iter().for_each(|v| value(v, visit)),
            toml_edit::Value::InlineTable(table) => table.iter().for_each(|(_, v)| value(v, visit)),
            _ => {}
        }
    }
    match item {
        Item::Value(v) => value(v, visit),
        Item::Table(table) => table.iter().for_each(|(_, item)| walk(item, visit)),
        Item::ArrayOfTables(tables) => tables.iter().for_each(|t| {
            t.iter().for_each(|(_, item)| walk(item, visit));
        }),
        Item::None => {}
    }
}

/// What of `value` (its text in `raw`) Python's parser refuses, and whether Go's does too.
fn newer_in(value: &toml_edit::Value, raw: &str) -> Option<(&'static str, bool)> {
    let text = value.span().and_then(|span| raw.get(span))?;
    match value {
        toml_edit::Value::String(_) if text.starts_with('"') => {
            let mut escapes = Vec::new();
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    escapes.extend(chars.next());
                }
            }
            if escapes.contains(&'x') {
                Some(("a \\x escape", true))
            } else if escapes.contains(&'e') {
                Some(("a \\e escape", false))
            } else {
                None
            }
        }
        toml_edit::Value::InlineTable(_) => {
            let inner = text.trim_end_matches('}').trim_end();
            if inner.ends_with(',') {
                Some(("a trailing comma in an inline table", true))
            } else if text.contains('\n') {
                Some(("a line break in an inline table", true))
            } else {
                None
            }
        }
        toml_edit::Value::Datetime(dt) => {
            let time = dt.value().time?;
            let written = format!("{:02}:{:02}:", time.hour, time.minute);
            (!text.contains(&written)).then_some(("a time without seconds", false))
        }
        toml_edit::Value::Array(array) => {
            let kind = |v: &toml_edit::Value| std::mem::discriminant(v);
            let mut kinds = array.iter().map(kind);
            let first = kinds.next()?;
            kinds
                .any(|k| k != first)
                .then_some(("an array of values of different types", false))
        }
        _ => None,
    }
}

fn validate(
    document: &toml_edit::Document<String>,
    invalid: &dyn Fn(usize, String, &str) -> Error,
) -> Result<()> {
    let root = document.as_table();
    for (name, item) in root.iter() {
        let key_start = root.key(name).and_then(|k| k.span()).map_or(0, |s| s.start);
        let Some(table) = item.as_table_like() else {
            let what = match item {
                Item::ArrayOfTables(_) => "an array of tables ([[...]])",
                _ => "a plain value",
            };
            return Err(invalid(
                key_start,
                format!("'{name}' is {what}, not a profile table"),
                "every top-level entry must be a profile table such as [default]; move or remove this entry",
            ));
        };
        // A value is located by its value, a sub-table by its key in the header.
        let at = |key: &str, item: &Item| {
            let span = if item.is_value() {
                item.span()
            } else {
                table.key(key).and_then(|k| k.span())
            };
            span.map_or(key_start, |s| s.start)
        };
        if let Some(active) = table.get("active")
            && !active.is_bool()
        {
            let at = at("active", active);
            return Err(invalid(
                at,
                format!("'active' in profile '{name}' must be true or false"),
                "write `active = true` (without quotes) on the one profile to use, or remove the line",
            ));
        }
        for key in STRING_KEYS {
            if let Some(value) = table.get(key)
                && !value.is_str()
            {
                let at = at(key, value);
                return Err(invalid(
                    at,
                    format!("'{key}' in profile '{name}' must be a string"),
                    "put the value in double quotes",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn syntax_python_or_go_refuses_is_found_with_its_line() {
        let newer = |extra: &str| -> Vec<(&'static str, bool, usize)> {
            let text = format!("[a]\ntoken_id = \"ak-1\"\n{extra}");
            let config = Config::parse("/c.toml", text.as_bytes()).unwrap();
            let found = config.newer_syntax();
            found
                .into_iter()
                .map(|n| (n.what, n.go_refuses, n.line))
                .collect()
        };
        assert_eq!(
            newer("x = { b = 1, }\n"),
            [("a trailing comma in an inline table", true, 3)]
        );
        assert_eq!(
            newer("x = { b = 1,\n c = 2 }\n"),
            [("a line break in an inline table", true, 3)]
        );
        assert_eq!(newer("x = \"\\e \\x41\"\n"), [("a \\x escape", true, 3)]);
        assert_eq!(newer("x = \"\\e\"\n"), [("a \\e escape", false, 3)]);
        assert_eq!(newer("x = 07:32\n"), [("a time without seconds", false, 3)]);
        assert_eq!(
            newer("x = [1, \"a\"]\n"),
            [("an array of values of different types", false, 3)]
        );
        for plain in [
            "x = \"\\\\e\"\n",
            "x = { b = 1 }\n",
            "x = 07:32:00\n",
            "x = [[1], [2]]\n",
        ] {
            assert_eq!(newer(plain), [], "{plain}");
        }
    }

    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse("/tmp/test.toml", text.as_bytes())
    }

    #[test]
    fn render_gives_back_the_same_bytes() {
        for text in [
            "",
            "\n",
            "[a]\nx = 1",
            "\u{feff}[a]\r\ntoken_id = 'ak-1'\r\n",
            "[a]\r\nx = 1\r\n\r\n# c\r\n[b]\r\ny=2\r\n",
            "# top\n\n[ \"my.ws\" ]   # c\ntoken_id=\"ak-1\"\n\n[b]\nactive = true\n\n# end\n",
            "a = { token_id = \"ak-1\" }\n[b.c]\nx = [1,\n 2]\n",
        ] {
            assert_eq!(parse(text).unwrap().render(), text, "{text:?}");
        }
    }

    #[test]
    fn reports_line_and_column() {
        let Err(Error::ConfigInvalid { at, .. }) = parse("[a]\nx = 1\n[b\n") else {
            panic!("expected an error")
        };
        assert_eq!(at.line, 3);
        let Err(Error::ConfigInvalid { at, message, .. }) = parse("[a]\nactive = \"yes\"\n") else {
            panic!("expected an error")
        };
        assert_eq!((at.line, at.column), (2, 10));
        assert!(message.contains("active"), "{message}");
        let Err(Error::ConfigInvalid { at, message, .. }) = parse("x = 1\n") else {
            panic!("expected an error")
        };
        assert_eq!((at.line, at.column), (1, 1));
        assert!(message.contains("not a profile table"), "{message}");
    }

    #[test]
    fn bom_shifts_nothing_in_locations() {
        let Err(Error::ConfigInvalid { at, .. }) = parse("\u{feff}[a\n") else {
            panic!("expected an error")
        };
        assert_eq!(at.line, 1);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let Err(Error::ConfigInvalid { at, message, .. }) =
            Config::parse("/x", b"[a]\nx = \"\xff\"\n")
        else {
            panic!("expected an error")
        };
        assert_eq!((at.line, at.column), (2, 6));
        assert!(message.contains("UTF-8"));
    }

    #[test]
    fn reads_quoted_and_inline_profiles() {
        let config = parse(
            "[\"my.ws\"]\ntoken_id = \"ak-1\"\nactive = true\n[\"has space\"]\ntoken_id = \"ak-2\"\ninline = { token_id = \"ak-3\" }\n",
        );
        // `inline` is a key of ["has space"], not a profile: a top-level inline table comes first.
        let config = config.unwrap();
        assert_eq!(config.profile_names(), ["my.ws", "has space"]);
        assert_eq!(config.active_profiles(), ["my.ws"]);
        let config = parse("top = { token_id = \"ak-3\", active = true }\n").unwrap();
        assert_eq!(config.profile("top").unwrap().token_id(), Some("ak-3"));
        assert_eq!(config.active_profiles(), ["top"]);
    }
}
