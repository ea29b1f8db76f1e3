//! Every environment variable modal-setup reads, each a documented constant, and a snapshot of
//! them taken once so that resolution is a pure function of its inputs.

use std::collections::BTreeMap;

/// The home directory on Windows, where Modal's clients look for `.modal.toml` (Python's
/// `expanduser`, Node's `os.homedir()` and Go's `os.UserHomeDir()` all read it).
pub const USERPROFILE: &str = "USERPROFILE";
/// Path of the config file; empty means unset. Default: `~/.modal.toml`.
pub const MODAL_CONFIG_PATH: &str = "MODAL_CONFIG_PATH";
/// Profile in effect, above the file's `active = true`; empty means unset.
pub const MODAL_PROFILE: &str = "MODAL_PROFILE";
/// Token id in effect, above the profile's `token_id`.
pub const MODAL_TOKEN_ID: &str = "MODAL_TOKEN_ID";
/// Token secret in effect, above the profile's `token_secret`.
pub const MODAL_TOKEN_SECRET: &str = "MODAL_TOKEN_SECRET";
/// API server in effect, above the profile's `server_url`.
pub const MODAL_SERVER_URL: &str = "MODAL_SERVER_URL";
/// Modal environment in effect, above the profile's `environment`.
pub const MODAL_ENVIRONMENT: &str = "MODAL_ENVIRONMENT";
/// Seconds a writer waits for the config file's lock before giving up (default 10).
pub const MODAL_SETUP_LOCK_TIMEOUT: &str = "MODAL_SETUP_LOCK_TIMEOUT";
/// Seconds an API request may take before it is given up (default 30).
pub const MODAL_SETUP_HTTP_TIMEOUT: &str = "MODAL_SETUP_HTTP_TIMEOUT";
/// `1` lets a token travel in clear text to an `http://` server that is not on this machine
/// (refused otherwise: a typo of `https`). Loopback servers never need it.
pub const MODAL_SETUP_ALLOW_HTTP: &str = "MODAL_SETUP_ALLOW_HTTP";
/// `name:value,…` headers set on every API call over modal-setup's own, as Modal's client does.
pub const MODAL_OVERRIDE_HEADERS: &str = "MODAL_OVERRIDE_HEADERS";
/// Any non-empty value turns colours off (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";

/// OAuth credentials ([`crate::config::OAUTH_KEYS`]), which override the profile's key by key.
pub const MODAL_OAUTH_REFRESH_TOKEN: &str = "MODAL_OAUTH_REFRESH_TOKEN";
pub const MODAL_OAUTH_CLIENT_ID: &str = "MODAL_OAUTH_CLIENT_ID";
pub const MODAL_OAUTH_CLIENT_SECRET: &str = "MODAL_OAUTH_CLIENT_SECRET";
pub const MODAL_OAUTH_JWT_KEY: &str = "MODAL_OAUTH_JWT_KEY";
/// The home directory on Unix; set but empty, Modal's clients part ways on where the file is.
pub const HOME: &str = "HOME";
/// The file a GitHub Actions step appends `NAME=value` lines to, for the steps after it.
pub const GITHUB_ENV: &str = "GITHUB_ENV";
/// The browser to open the login page with: a command, `%s` standing for the URL.
pub const BROWSER: &str = "BROWSER";
/// Set in SSH sessions: a browser started here would open on the wrong machine.
pub const SSH_VARIABLES: &[&str] = &["SSH_CONNECTION", "SSH_TTY"];
/// Set when a graphical session can show a browser (Linux).
pub const DISPLAY_VARIABLES: &[&str] = &["DISPLAY", "WAYLAND_DISPLAY"];
/// Proxies for https:// and http:// server URLs, the first set one winning; named in errors
/// when a connection went through one. Loopback addresses never go through a proxy.
pub const HTTPS_PROXY_VARIABLES: &[&str] =
    &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
pub const HTTP_PROXY_VARIABLES: &[&str] = &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
/// Hosts (with their subdomains) that no proxy is used for, comma-separated; `*` for all.
pub const NO_PROXY_VARIABLES: &[&str] = &["NO_PROXY", "no_proxy"];

/// The variables [`Env::from_process`] captures.
const CAPTURED: &[&str] = &[
    MODAL_CONFIG_PATH,
    MODAL_PROFILE,
    MODAL_TOKEN_ID,
    MODAL_TOKEN_SECRET,
    MODAL_SERVER_URL,
    MODAL_ENVIRONMENT,
    MODAL_SETUP_LOCK_TIMEOUT,
    MODAL_SETUP_HTTP_TIMEOUT,
    MODAL_SETUP_ALLOW_HTTP,
    MODAL_OVERRIDE_HEADERS,
    MODAL_OAUTH_REFRESH_TOKEN,
    MODAL_OAUTH_CLIENT_ID,
    MODAL_OAUTH_CLIENT_SECRET,
    MODAL_OAUTH_JWT_KEY,
    NO_COLOR,
    GITHUB_ENV,
    HOME,
    USERPROFILE,
];

/// A snapshot of the environment variables that matter to modal-setup.
///
/// An empty value counts as unset everywhere (Modal's Python client differs for some keys; the
/// docs/differences.md lists it).
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Variables set to something that is not UTF-8 (a path can be that).
    not_utf8: BTreeMap<String, std::ffi::OsString>,
}

impl Env {
    /// The variables of this process.
    pub fn from_process() -> Self {
        let mut env = Self::default();
        let names = CAPTURED
            .iter()
            .chain(HTTPS_PROXY_VARIABLES)
            .chain(HTTP_PROXY_VARIABLES)
            .chain(NO_PROXY_VARIABLES);
        for name in names {
            match std::env::var_os(name).map(std::ffi::OsString::into_string) {
                Some(Ok(value)) => {
                    env.vars.insert((*name).to_owned(), value);
                }
                Some(Err(raw)) => {
                    env.not_utf8.insert((*name).to_owned(), raw);
                }
                None => {}
            }
        }
        env
    }

    /// An environment with no variables set, for programs that want the file alone.
    pub fn empty() -> Self {
        Self::default()
    }

    /// An environment made of the given pairs.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            vars,
            not_utf8: BTreeMap::new(),
        }
    }

    /// The value of `name` as the operating system gave it (it may not be UTF-8), when it is
    /// set and non-empty. For paths.
    pub fn get_os(&self, name: &str) -> Option<&std::ffi::OsStr> {
        self.get(name)
            .map(std::ffi::OsStr::new)
            .or_else(|| self.not_utf8.get(name).map(|v| v.as_os_str()))
    }

    /// The MODAL_* variables set to bytes that are not UTF-8, which cannot be used as the text
    /// they stand for (MODAL_CONFIG_PATH, a path, can: it is left out).
    pub fn modal_variables_not_utf8(&self) -> impl Iterator<Item = &str> {
        self.not_utf8
            .keys()
            .map(String::as_str)
            .filter(|name| name.starts_with("MODAL_") && *name != MODAL_CONFIG_PATH)
    }

    /// The value of `name` when it is set, also when it is empty (Modal's Python client reads
    /// MODAL_TOKEN_ID="" as an empty token id; modal-setup and the SDKs as unset).
    pub fn get_even_empty(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value of `name` when it is set and non-empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}
