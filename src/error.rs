//! The errors a user can meet, each with a message that says what went wrong and a hint that
//! says what to do, and the documented exit codes they map to.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit codes of modal-setup, documented in the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Ok = 0,
    /// Any error not listed below.
    Failure = 1,
    /// A usage error or a missing input that could not be prompted for.
    Usage = 2,
    /// The server rejected the token, or the user denied the login.
    Rejected = 3,
    /// The login flow timed out.
    TimedOut = 4,
    /// Interrupted (Ctrl-C).
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// What a server rejects, as [`Error::Rejected`] names it.
pub const THE_TOKEN: &str = "the token";
pub const THE_OAUTH_CREDENTIALS: &str = "the OAuth credentials";

/// Where in a file something is, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The line and column (in characters) of byte `offset` in `text`.
    pub fn of_offset(text: &[u8], offset: usize) -> Self {
        let before = &text[..offset.min(text.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        Self { line, column }
    }
}

/// What asking the server about a token came to, in the one word every `--json` document,
/// the STATUS column of `profile list --check` and `doctor` use for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The server accepts the token.
    Ok,
    /// The server refuses it (revoked, expired, never valid), or the login was denied.
    Rejected,
    Unreachable,
    TimedOut,
    /// No token (an id and a secret) to ask about.
    NoToken,
    /// The server URL cannot be used: not a URL, or not Modal's API.
    Misconfigured,
    /// Not asked: `--no-verify`, or plain http:// to another machine.
    NotAsked,
    /// The server answered with another error.
    Error,
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Rejected => "rejected",
            Self::Unreachable => "unreachable",
            Self::TimedOut => "timed_out",
            Self::NoToken => "no_token",
            Self::Misconfigured => "misconfigured",
            Self::NotAsked => "not_asked",
            Self::Error => "error",
        }
    }
}

/// An error as `--json` documents carry it: its word, its message and its hint.
#[derive(Debug, serde::Serialize)]
pub struct Described {
    pub kind: Outcome,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}:{}:{}: {message}", .at.line, .at.column)]
    ConfigInvalid {
        path: PathBuf,
        at: Location,
        message: String,
        fix: String,
    },

    #[error("could not {action} {path}: {cause}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        cause: io::Error,
    },

    #[error("{path} is read-only")]
    ReadOnly { path: PathBuf },

    #[error("{path} is a directory, not a config file")]
    IsDirectory {
        path: PathBuf,
        /// What chose the path ("MODAL_CONFIG_PATH environment variable"), once known.
        chosen_by: Option<String>,
    },

    #[error("{path} is {kind}, not a regular file")]
    NotAFile {
        path: PathBuf,
        kind: &'static str,
        chosen_by: Option<String>,
    },

    #[error(
        "{url} (from the {origin}) is plain http:// on another machine: the token would cross the network readable by anyone on the way"
    )]
    ClearTextServer { url: String, origin: String },

    #[error("{path} is part of a symlink loop")]
    SymlinkLoop { path: PathBuf },

    #[error("another modal-setup is writing {path}; gave up after waiting {waited_secs} s")]
    LockTimeout { path: PathBuf, waited_secs: u64 },

    #[error(
        "could not replace {path}: another program holds it open ({cause}); it was left as it was"
    )]
    HeldOpen {
        path: PathBuf,
        #[source]
        cause: io::Error,
    },

    #[error("cannot find the home directory to locate .modal.toml in it")]
    NoHome,

    #[error("invalid {what}: {problem}")]
    InvalidInput {
        what: &'static str,
        problem: String,
        hint: String,
    },

    /// An [`Error::InvalidInput`] whose value was given on the command line: a usage error.
    #[error("invalid {what}: {problem}")]
    InvalidArgument {
        what: &'static str,
        problem: String,
        hint: String,
    },

    #[error("missing {what}")]
    MissingInput { what: &'static str, hint: String },

    #[error("no {what} in effect")]
    NoCredentials { what: &'static str, hint: String },

    #[error("no profile named '{name}' in {path}")]
    UnknownProfile {
        name: String,
        path: PathBuf,
        existing: Vec<String>,
    },

    #[error("there are no profiles in {path}")]
    NoProfiles { path: PathBuf },

    #[error("a profile named '{name}' already exists in {path}")]
    ProfileExists { name: String, path: PathBuf },

    #[error("the server at {server} rejected {what}: {message}")]
    Rejected {
        server: String,
        message: String,
        /// What was rejected: [`THE_TOKEN`] or [`THE_OAUTH_CREDENTIALS`].
        what: &'static str,
        /// PERMISSION_DENIED: the token is valid but may not do this.
        permission: bool,
        /// Which environment variables the rejected credentials came from, when any did, and
        /// what to do about them (a clause of the hint).
        overridden_by: Option<String>,
    },

    #[error("could not reach {url}: {cause}")]
    Unreachable {
        url: String,
        cause: String,
        failure: NetFailure,
        /// Where the server URL came from ("MODAL_SERVER_URL environment variable", …).
        server_source: String,
        /// Whether `--no-verify` would get past this.
        skippable: bool,
    },

    #[error("{url} is not Modal's API: {detail}")]
    NotModalApi {
        url: String,
        server_source: String,
        detail: String,
    },

    #[error("the server at {url} refused this client: {message}")]
    ClientRefused {
        url: String,
        message: String,
        /// The version of Modal's client modal-setup speaks as.
        speaks_as: &'static str,
    },

    #[error("the server at {url} answered {code}: {message}")]
    Server {
        url: String,
        /// The gRPC status code's name, e.g. `INTERNAL`.
        code: String,
        message: String,
        server_source: String,
    },

    #[error("invalid server URL from the {origin}: {problem}")]
    InvalidServerUrl {
        url: String,
        origin: String,
        problem: String,
    },

    #[error("could not listen on 127.0.0.1:{port} for the browser's check: {cause}")]
    Bind {
        port: u16,
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },

    #[error("the login failed: {reason}")]
    FlowFailed { reason: String },

    #[error("{}", denied(error))]
    Denied { error: String },

    #[error("timed out after {waited_secs} s waiting for the login at {url}")]
    TimedOut { url: String, waited_secs: u64 },

    #[error("could not use the terminal: {0}")]
    Terminal(io::Error),

    #[error("{failed} of the {checked} profiles with a token cannot be used")]
    ProfilesNotUsable { failed: usize, checked: usize },

    #[error("{problems} problem(s) found: Modal's clients will not all use the same valid token")]
    DoctorFound { problems: usize },

    #[error("could not revoke token {token_id}: {cause}")]
    RevokeFailed {
        token_id: String,
        #[source]
        cause: Box<Error>,
        /// Whether the new token (or the profile) was kept regardless.
        kept: bool,
    },

    #[error("cancelled")]
    Cancelled,

    /// A way out after an approved login that did not write the new token (a declined
    /// replacement, a failed check or write): the token was revoked, or why it could not be.
    #[error("{source}")]
    Unwritten {
        source: Box<Error>,
        token_id: String,
        revoked: std::result::Result<(), String>,
    },

    #[error("interrupted; nothing was written")]
    Interrupted,

    #[error("internal error: {0}")]
    Internal(String),

    /// stdout was closed by its reader (`| head`): a quiet end, as in ripgrep.
    #[error("stdout was closed")]
    BrokenPipe,
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, cause: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            cause,
        }
    }

    /// The same error, saying that `--no-verify` would get past it when it is a network
    /// failure.
    pub fn skippable(self) -> Self {
        match self {
            Self::Unreachable {
                url,
                cause,
                failure,
                server_source,
                ..
            } => Self::Unreachable {
                url,
                cause,
                failure,
                server_source,
                skippable: true,
            },
            other => other,
        }
    }

    /// The same error, saying what chose the config file's path when it is not a file.
    pub fn chosen_by(self, origin: &impl std::fmt::Display) -> Self {
        match self {
            Self::IsDirectory { path, .. } => Self::IsDirectory {
                path,
                chosen_by: Some(origin.to_string()),
            },
            Self::NotAFile { path, kind, .. } => Self::NotAFile {
                path,
                kind,
                chosen_by: Some(origin.to_string()),
            },
            other => other,
        }
    }

    /// The same error, as a usage error (exit 2) when it is about a value given on the
    /// command line; values from files or the environment stay errors (exit 1).
    pub fn on_command_line(self, given_there: bool) -> Self {
        match self {
            Self::InvalidInput {
                what,
                problem,
                hint,
            } if given_there => Self::InvalidArgument {
                what,
                problem,
                hint,
            },
            other => other,
        }
    }

    /// The exit code this error ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            Self::MissingInput { .. } | Self::InvalidArgument { .. } => Exit::Usage,
            Self::Rejected { .. } | Self::Denied { .. } => Exit::Rejected,
            Self::TimedOut { .. } => Exit::TimedOut,
            Self::Interrupted => Exit::Interrupted,
            Self::Unwritten { source, .. } => source.exit(),
            Self::BrokenPipe => Exit::Ok,
            _ => Exit::Failure,
        }
    }

    /// This error for a `--json` document.
    pub fn described(&self) -> Described {
        Described {
            kind: self.outcome(),
            message: self.to_string(),
            hint: self.hint(),
        }
    }

    /// The word for what this error made of asking the server ([`Outcome`]).
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Rejected { .. } | Self::Denied { .. } => Outcome::Rejected,
            Self::Unreachable {
                failure: NetFailure::Timeout(_),
                ..
            }
            | Self::TimedOut { .. } => Outcome::TimedOut,
            Self::Unreachable { .. } => Outcome::Unreachable,
            Self::NoCredentials { .. } => Outcome::NoToken,
            Self::NotModalApi { .. } | Self::InvalidServerUrl { .. } => Outcome::Misconfigured,
            Self::ClearTextServer { .. } => Outcome::NotAsked,
            Self::Unwritten { source, .. } => source.outcome(),
            _ => Outcome::Error,
        }
    }

    /// What became of a token a login minted and that was not written: the last line of the
    /// way out, naming the token and, when it could not be revoked, where to do it.
    pub fn fate_of_unwritten(token_id: &str, revoked: &std::result::Result<(), String>) -> String {
        match revoked {
            Ok(()) => format!("the new token {token_id} was revoked, so none is left unused"),
            Err(why) => format!(
                "the new token {token_id} could not be revoked ({}) and stays valid with nobody holding it: delete it on the tokens page of the Modal dashboard",
                crate::text::sanitize(why)
            ),
        }
    }

    /// What the user can do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::ConfigInvalid { fix, .. } => fix.clone(),
            Self::Io { path, cause, .. } => match cause.kind() {
                io::ErrorKind::PermissionDenied => format!(
                    "check the permissions of {} and its directory, or pass --config PATH",
                    path.display()
                ),
                io::ErrorKind::ReadOnlyFilesystem => {
                    "the file system is read-only; pass --config PATH to write elsewhere".into()
                }
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                    "free some disk space and run the command again".into()
                }
                _ => return None,
            },
            Self::ReadOnly { path } => format!(
                "make it writable ({}) or pass --config PATH",
                crate::platform::make_writable_command(path)
            ),
            Self::IsDirectory {
                chosen_by: Some(by),
                ..
            }
            | Self::NotAFile {
                chosen_by: Some(by),
                ..
            } => format!(
                "the {by} chose it: point that at a regular file (modal-setup never reads from or replaces anything else)"
            ),
            Self::IsDirectory { .. } => "pass --config with the path of a file".into(),
            Self::SymlinkLoop { .. } => "point the link at a regular file".into(),
            Self::ClearTextServer { .. } => format!(
                "write it as https://; if the network between you and it is trusted, set {}=1",
                crate::env::MODAL_SETUP_ALLOW_HTTP
            ),
            Self::NotAFile { .. } => "pass --config (or set MODAL_CONFIG_PATH to) the path of a regular file; modal-setup never reads from or replaces anything else".into(),
            Self::HeldOpen { .. } => {
                "close what has it open (an editor, a sync client, a virus scan) and run the command again".into()
            }
            Self::LockTimeout { .. } => format!(
                "if no other modal-setup is running, run the command again; raise the wait with {}=SECONDS",
                crate::env::MODAL_SETUP_LOCK_TIMEOUT
            ),
            Self::NoHome => format!(
                "set {}, or pass --config PATH (or set MODAL_CONFIG_PATH)",
                crate::platform::HOME_VARIABLE
            ),
            Self::InvalidInput { hint, .. }
            | Self::InvalidArgument { hint, .. }
            | Self::MissingInput { hint, .. }
            | Self::NoCredentials { hint, .. } => hint.clone(),
            Self::UnknownProfile { existing, .. } if existing.is_empty() => {
                "the file has no profiles yet; create one with `modal-setup token set` or `modal-setup setup`".into()
            }
            Self::UnknownProfile { name, existing, .. } => format!(
                "profiles in the file: {}{}",
                existing.join(", "),
                crate::text::did_you_mean(name, existing.iter().map(String::as_str))
            ),
            Self::NoProfiles { .. } => {
                "create one with `modal-setup setup` or `modal-setup token set`".into()
            }
            Self::ProfileExists { .. } => {
                "choose another name, or remove that profile first with `modal-setup profile remove`".into()
            }
            Self::Rejected {
                overridden_by: Some(variables),
                ..
            } => format!(
                "{variables} (`modal-setup setup` cannot change a token the environment overrides)"
            ),
            Self::Rejected {
                permission: true, ..
            } => {
                "the token is valid but has no permission for this: ask a workspace admin, or log in to another workspace with `modal-setup setup`".into()
            }
            Self::Rejected {
                what: THE_OAUTH_CREDENTIALS,
                ..
            } => {
                "they were revoked, have expired, or do not belong together: get new ones from the integration that issued them (or log in with a token: `modal-setup setup`)".into()
            }
            Self::Rejected { .. } => {
                "the token was revoked, has expired, or its id and secret do not match: run `modal-setup setup` (or `modal-setup token set`) for a new one".into()
            }
            Self::Unreachable {
                failure,
                server_source,
                skippable,
                ..
            } => {
                // The server URL is worth checking only when someone chose it.
                let chosen = server_source != "default";
                let check_url = format!("the server URL (from the {server_source})");
                let what = match failure {
                    NetFailure::Timeout(_) => format!(
                        "the server did not answer in time; check your network, or wait longer with {}=SECONDS",
                        crate::env::MODAL_SETUP_HTTP_TIMEOUT
                    ),
                    NetFailure::Tls { clock: true, .. } => {
                        "check the system clock, and the server URL".to_owned()
                    }
                    NetFailure::Tls { .. } if chosen => format!(
                        "check that {check_url} is right; if a proxy or a corporate CA re-signs the traffic, point SSL_CERT_FILE at its certificate bundle"
                    ),
                    NetFailure::Tls { .. } => "if a proxy or a corporate CA re-signs the traffic, point SSL_CERT_FILE at its certificate bundle".to_owned(),
                    NetFailure::Proxy { proxy, variable } => format!(
                        "the connection went through the proxy {proxy} from {variable}: check the proxy, or add the host to NO_PROXY"
                    ),
                    NetFailure::Refused if chosen => {
                        format!("nothing listens there: check {check_url}")
                    }
                    NetFailure::Refused => {
                        "nothing listens there: check your network and firewall".to_owned()
                    }
                    NetFailure::Dns if chosen => format!(
                        "the host name does not resolve: check {check_url} and your network"
                    ),
                    NetFailure::Dns => {
                        "the host name does not resolve: check your network (are you offline?)".to_owned()
                    }
                    NetFailure::Unavailable | NetFailure::Dropped => {
                        "the server is unavailable or dropped the connection; try again in a moment".to_owned()
                    }
                    NetFailure::NotHttp2 | NetFailure::Other if chosen => {
                        format!("check your network, and {check_url}")
                    }
                    NetFailure::NotHttp2 | NetFailure::Other => "check your network".to_owned(),
                };
                if *skippable {
                    format!("{what}; or pass --no-verify to write the token without checking it")
                } else {
                    what
                }
            }
            Self::NotModalApi { server_source, .. } => format!(
                "check the server URL (from the {server_source}); Modal's is https://api.modal.com"
            ),
            Self::ClientRefused { speaks_as, .. } => format!(
                "this modal-setup speaks as Modal's client {speaks_as}; upgrade modal-setup, or adapt the headers with {}",
                crate::env::MODAL_OVERRIDE_HEADERS
            ),
            Self::Server { .. } => "the server had a problem; try again later".into(),
            Self::InvalidServerUrl { url, origin, .. } => format!(
                "the {origin} holds '{}'; write it as https://host[:port] (Modal's is https://api.modal.com)",
                crate::text::sanitize(url)
            ),
            Self::Bind { port: 0, .. } => "check that the loopback interface is up".into(),
            Self::Bind { .. } => "pick another --port, or leave it out to use a free one".into(),
            Self::FlowFailed { .. } => "run `modal-setup setup` again".into(),
            Self::Denied { .. } => {
                "nothing was written; run `modal-setup setup` again to approve the login".into()
            }
            Self::TimedOut { .. } => {
                "nothing was written; run `modal-setup setup` again, or pass --timeout SECS to wait longer".into()
            }
            Self::ProfilesNotUsable { .. } => {
                "the STATUS column says why for each; `modal-setup doctor --profile NAME` looks closer".into()
            }
            Self::DoctorFound { .. } => {
                "fix each finding and failed check the report lists, then run `modal-setup doctor` again".into()
            }
            Self::RevokeFailed {
                token_id,
                kept: true,
                ..
            } => format!(
                "the new token is written and works; revoke {token_id} in the Modal dashboard, or run the command again"
            ),
            Self::RevokeFailed { cause, .. } => {
                let why = cause.hint().map(|h| format!("{h}; ")).unwrap_or_default();
                format!("{why}nothing was removed; pass --force to remove the profile anyway")
            }
            Self::Unwritten {
                source,
                token_id,
                revoked,
            } => {
                let fate = Self::fate_of_unwritten(token_id, revoked);
                match source.hint() {
                    Some(hint) => format!("{hint}; {fate}"),
                    None => fate,
                }
            }
            Self::Cancelled => "nothing was written".into(),
            Self::Terminal(_)
            | Self::Interrupted
            | Self::Internal(_)
            | Self::BrokenPipe => {
                return None;
            }
        })
    }
}

/// How a call failed before the server answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetFailure {
    /// No answer within this time.
    Timeout(std::time::Duration),
    /// Nothing listens at the address.
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The TLS handshake failed; `clock` when a certificate is out of its validity period.
    Tls {
        clock: bool,
    },
    /// Through this proxy (`host:port`), named by this variable.
    Proxy {
        proxy: String,
        variable: &'static str,
    },
    /// The server does not speak HTTP/2.
    NotHttp2,
    /// UNAVAILABLE from the server.
    Unavailable,
    /// The connection broke during the call.
    Dropped,
    Other,
}

impl NetFailure {
    /// What a restarting server or a dropped connection answers: worth asking again after a
    /// pause (a call that timed out already took its whole time, and is not).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable | Self::Dropped | Self::Refused)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a denied login says: the server's words when they already say it was denied (the
/// reference server's "The login was denied in the browser"), else the server's reason after
/// ours, never the same thing twice.
fn denied(server: &str) -> String {
    let server = server.trim().trim_end_matches('.');
    let code_name =
        !server.is_empty() && server.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    if code_name {
        format!("the login was denied ({server})")
    } else if server.to_lowercase().contains("denied") {
        let mut chars = server.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_lowercase().chain(chars).collect()
        })
    } else if server.is_empty() {
        "the login was denied".to_owned()
    } else {
        format!("the login was denied: {server}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denial_is_said_once() {
        let said = |server: &str| {
            Error::Denied {
                error: server.into(),
            }
            .to_string()
        };
        assert_eq!(
            said("The login was denied in the browser"),
            "the login was denied in the browser"
        );
        assert_eq!(
            said("PERMISSION_DENIED"),
            "the login was denied (PERMISSION_DENIED)"
        );
        assert_eq!(
            said("workspace policy forbids new tokens"),
            "the login was denied: workspace policy forbids new tokens"
        );
        assert_eq!(said(""), "the login was denied");
    }

    #[test]
    fn location_counts_lines_and_characters() {
        let text = "a = 1\n[é]\nbad".as_bytes();
        assert_eq!(
            Location::of_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        let at_bad = text.len() - 3;
        assert_eq!(
            Location::of_offset(text, at_bad),
            Location { line: 3, column: 1 }
        );
        // "é" is two bytes but one column.
        let after_e = "a = 1\n[é".len();
        assert_eq!(
            Location::of_offset(text, after_e),
            Location { line: 2, column: 3 }
        );
    }

    /// The server URL is worth checking only when someone chose it: Modal's default is named
    /// by no hint as a thing to check.
    #[test]
    fn only_a_chosen_server_url_is_suggested_for_checking() {
        let unreachable = |failure: NetFailure, source: &str| Error::Unreachable {
            url: "https://api.modal.com or https://api.modal2.com".into(),
            cause: "failed".into(),
            failure,
            server_source: source.into(),
            skippable: false,
        };
        for failure in [NetFailure::Dns, NetFailure::Refused, NetFailure::Other] {
            let default = unreachable(failure.clone(), "default").hint().unwrap();
            assert!(!default.contains("server URL"), "{default}");
            assert!(default.contains("network"), "{default}");
            let chosen = unreachable(failure, "MODAL_SERVER_URL environment variable")
                .hint()
                .unwrap();
            assert!(
                chosen.contains("the server URL (from the MODAL_SERVER_URL environment variable)"),
                "{chosen}"
            );
        }
    }
}
