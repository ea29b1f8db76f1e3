//! How each of Modal's clients reads the config file and the environment, in one place, so that
//! modal-setup can say where they would use something other than what it reports.
//!
//! The rules, and where each comes from, are in docs/clients.md: the Python client 1.6.4
//! (`modal/config.py`), the JS SDK 0.11.1 (`modal/dist/index.js`) and the Go SDK 0.7.2
//! (`modal-go/config.go`). Change that page and this file together.

use std::fmt;

use super::resolve::{OAuth, Origin, Resolved, Sourced};
use super::{Config, DEFAULT_PROFILE, DEFAULT_SERVER_URL, OAUTH_KEYS};
use crate::env::{
    Env, MODAL_ENVIRONMENT, MODAL_OAUTH_CLIENT_SECRET, MODAL_OAUTH_JWT_KEY, MODAL_PROFILE,
    MODAL_SERVER_URL, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET,
};
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use crate::text::shell_word;

/// The server the SDKs use when nothing names one.
pub const SDK_DEFAULT_SERVER_URL: &str = "https://api.modal.com:443";

/// One of Modal's clients that read the config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Client {
    Python,
    Js,
    Go,
}

impl Client {
    pub const ALL: [Self; 3] = [Self::Python, Self::Js, Self::Go];

    /// As a sentence names it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Python => "Modal's Python client",
            Self::Js => "the JS SDK",
            Self::Go => "the Go SDK",
        }
    }

    /// As a column or a JSON key names it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::Js => "js",
            Self::Go => "go",
        }
    }

    fn takes_empty_variables(self) -> bool {
        self == Self::Python
    }
}

/// Why a client reads something other than modal-setup, with what fixes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The file begins with a byte-order mark, and the client refuses the whole file.
    ByteOrderMark { ours: String },
    /// No table says `active = true` and nothing names a profile: the SDKs have no fallback.
    NoneActive { ours: String },
    /// Python stops: several profiles and none active.
    NoneActiveOfSeveral { ours: String },
    /// Several tables say `active = true`.
    SeveralActive { names: Vec<String>, ours: String },
    /// The server URL is one this client cannot dial.
    ServerUrl {
        url: String,
        problem: String,
        origin: Origin,
    },
    /// A variable set to the empty string, which Python uses as a value and the others ignore.
    EmptyVariable(&'static str),
    /// Python and JS refuse the OAuth credentials: beside a token (`token`), or incomplete.
    OAuthRefused { message: &'static str, token: bool },
    /// Go reads no OAuth credentials, and finds no token beside them.
    NoOAuth,
    /// HOME is set but empty and MODAL_CONFIG_PATH is not: the client reads another file.
    OtherFile(&'static str),
    /// HOME (Windows: USERPROFILE) set but empty, and no MODAL_CONFIG_PATH: Go cannot start.
    NoHome,
    /// Syntax the client's TOML parser refuses, so the whole file with it.
    NewerSyntax(super::NewerSyntax),
}

impl Cause {
    /// What the client does, after "would".
    pub fn what(&self, client: Client) -> String {
        match self {
            Self::ByteOrderMark { .. } => {
                "refuse the whole file: it begins with a UTF-8 byte-order mark".into()
            }
            Self::NoneActive { .. } => {
                "find no active profile (none says active = true, and they have no fallback to [default])".into()
            }
            Self::NoneActiveOfSeveral { .. } => {
                "stop with \"No Modal profile is active\" (several profiles, none says active = true)".into()
            }
            Self::SeveralActive { names, .. } => {
                let listed = quoted(names);
                match client {
                    Client::Python => format!(
                        "stop with \"More than one Modal profile is active\" ({listed})"
                    ),
                    Client::Js => format!(
                        "use '{}' of the several active profiles ({listed})",
                        js_first_active(names_of(names)).unwrap_or_default()
                    ),
                    Client::Go => {
                        format!("pick one of the several active profiles ({listed}) at random on each run")
                    }
                }
            }
            Self::ServerUrl {
                url,
                problem,
                origin,
            } => format!(
                "not reach server_url '{}' from the {origin}: {problem}",
                crate::text::sanitize(url)
            ),
            Self::EmptyVariable(var) => {
                format!("use the empty {var} as a value (modal-setup and the SDKs ignore it)")
            }
            // The JS SDK words the second refusal its own way.
            Self::OAuthRefused { message, .. } if client == Client::Js => format!(
                "refuse to start: \"{}\"",
                message.replace("must be configured", "must all be configured")
            ),
            Self::OAuthRefused { message, .. } => format!("refuse to start: \"{message}\""),
            Self::NoOAuth => {
                "find no token: it reads no OAuth credentials (the Go SDK 0.7.2 has none)".into()
            }
            Self::OtherFile(path) => {
                format!("read {path} instead, as HOME is set but empty")
            }
            Self::NoHome if cfg!(windows) => "fail to start (NewClient: \"cannot locate homedir: %userprofile% is not defined\"), as USERPROFILE is set but empty".into(),
            Self::NoHome => "fail to start (NewClient: \"cannot locate homedir: $HOME is not defined\"), as HOME is set but empty".into(),
            Self::NewerSyntax(newer) if client == Client::Python => format!(
                "refuse the whole file (\"Error when reading the modal configuration\"): line {} has {}, which its parser, toml 0.10.2, does not read",
                newer.line, newer.what
            ),
            Self::NewerSyntax(newer) => format!(
                "fail to start (NewClient): line {} has {}, which go-toml v2 does not read",
                newer.line, newer.what
            ),
        }
    }

    /// Where its fix comes in the order to fix them: the file a client reads, which profile,
    /// the credentials, the server.
    fn rank(&self) -> u8 {
        match self {
            Self::OtherFile(_) | Self::NoHome | Self::ByteOrderMark { .. } => 0,
            Self::NewerSyntax(_) => 0,
            Self::NoneActive { .. } | Self::NoneActiveOfSeveral { .. } => 1,
            Self::SeveralActive { .. } => 1,
            Self::OAuthRefused { .. } | Self::NoOAuth | Self::EmptyVariable(_) => 2,
            Self::ServerUrl { .. } => 3,
        }
    }

    /// The command or edit that makes every client agree.
    fn fix(&self) -> String {
        match self {
            Self::ByteOrderMark { ours } => format!(
                "any write by modal-setup removes the mark, e.g. `modal-setup profile activate {}`",
                shell_word(ours)
            ),
            Self::NoneActive { ours }
            | Self::NoneActiveOfSeveral { ours }
            | Self::SeveralActive { ours, .. } => {
                format!("run `modal-setup profile activate {}`", shell_word(ours))
            }
            Self::ServerUrl { url, origin, .. } => {
                let canonical = ServerUrl::parse(url, "")
                    .ok()
                    .filter(|parsed| !parsed.is_list())
                    .map(|parsed| parsed.canonical());
                match (origin, canonical) {
                    (Origin::Env(var), Some(url)) => format!("set {var}={url}"),
                    (Origin::File { profile, .. }, Some(url)) => {
                        format!("write server_url = \"{url}\" in profile '{profile}'")
                    }
                    _ => "write one URL as scheme://host:port".into(),
                }
            }
            Self::EmptyVariable(var) => crate::platform::unset_line(&[var]),
            Self::OAuthRefused { token: true, .. } => "keep one kind: remove the oauth_* keys of the profile (or unset the MODAL_OAUTH_* variables), or give the token a profile of its own with `modal-setup token set --profile NAME`".into(),
            Self::OAuthRefused { .. } => "set the missing OAuth values, or remove them and log in with `modal-setup setup`".into(),
            Self::NoOAuth => "give Go programs a token of their own: `modal-setup setup --profile NAME`, then MODAL_PROFILE=NAME".into(),
            Self::OtherFile(_) | Self::NoHome => {
                "set HOME to your home directory, or MODAL_CONFIG_PATH to the file".into()
            }
            Self::NewerSyntax(newer) => format!(
                "rewrite line {} without {}, which every client reads",
                newer.line, newer.what
            ),
        }
    }
}

/// Names as a message lists them: `'a', 'b'`, control characters neutralised.
pub fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{}'", crate::text::shown(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn names_of(names: &[String]) -> impl Iterator<Item = &str> {
    names.iter().map(String::as_str)
}

/// What one client will use, or why it will use nothing.
#[derive(Clone, Debug)]
pub struct Reading {
    pub client: Client,
    /// It stops, or cannot be relied on, before any call: why.
    pub fails: Option<Cause>,
    /// The profile its values come from; `None`: none.
    pub profile: Option<String>,
    pub token_id: Option<String>,
    pub token_secret: Option<Secret>,
    pub server_url: String,
    /// Why it cannot dial `server_url`, when it cannot.
    pub server_unusable: Option<Cause>,
    pub environment: Option<String>,
    /// Whether it uses OAuth credentials (complete, and no token beside them).
    pub oauth: bool,
    /// Other reasons it reads something else: empty variables, no active table.
    pub causes: Vec<Cause>,
}

/// What every client's reading needs of the file, found once for all three (a file can hold
/// 10,000 profiles).
struct Shape {
    /// The profile a fix names: modal-setup's when it is in the file, else the only one
    /// holding a token, else `NAME`.
    ours: String,
    /// The tables with `active = true`, in the order of the file.
    active: Vec<String>,
    count: usize,
    /// The first syntax Python's parser refuses, and the first Go's refuses too.
    newer: [Option<super::NewerSyntax>; 2],
}

impl Shape {
    fn of(config: &Config, ours: &str) -> Self {
        let ours = if config.contains(ours) {
            ours.to_owned()
        } else {
            match config.token_holders().as_slice() {
                [only] => only.clone(),
                _ => "NAME".to_owned(),
            }
        };
        Self {
            ours,
            active: config
                .active_profiles()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            count: config.profiles().count(),
            newer: {
                let newer = config.newer_syntax();
                let go = newer.iter().find(|n| n.go_refuses).cloned();
                [newer.into_iter().next(), go]
            },
        }
    }
}

/// What each of Modal's clients reads from `config` and `env`. `ours` is the profile
/// modal-setup uses, named in the fixes.
pub fn read_all(config: &Config, env: &Env, ours: &str) -> Vec<Reading> {
    let shape = Shape::of(config, ours);
    Client::ALL
        .iter()
        .map(|&client| read(client, config, env, &shape))
        .collect()
}

/// What `client` reads.
fn read(client: Client, config: &Config, env: &Env, shape: &Shape) -> Reading {
    let ours = shape.ours.as_str();
    let named = env.get(MODAL_PROFILE).map(str::to_owned);
    let mut causes = Vec::new();
    let mut fails = None;
    // Where the file is, without MODAL_CONFIG_PATH: with HOME set but empty, Python's
    // expanduser gives `/.modal.toml` and Node's homedir() `""` (so `./.modal.toml`): files that
    // are not there, so they read the variables alone. Go's NewClient fails with HOME (on
    // Windows USERPROFILE) empty, as os.UserHomeDir has no fallback (unset too, which is not
    // modelled: an environment without HOME is rare, and tests build such ones). modal-setup
    // falls back to the user database's home (Windows: the profile folder).
    let no_config_path = env.get(crate::env::MODAL_CONFIG_PATH).is_none();
    let empty_home =
        cfg!(unix) && env.get_even_empty(crate::env::HOME) == Some("") && no_config_path;
    let home_var = if cfg!(windows) {
        crate::env::USERPROFILE
    } else {
        crate::env::HOME
    };
    match client {
        Client::Python if empty_home => causes.push(Cause::OtherFile("/.modal.toml")),
        Client::Js if empty_home => causes.push(Cause::OtherFile("./.modal.toml")),
        Client::Go if env.get_even_empty(home_var) == Some("") && no_config_path => {
            fails = Some(Cause::NoHome);
        }
        _ => {}
    }
    let no_file = Shape {
        ours: shape.ours.clone(),
        active: Vec::new(),
        count: 0,
        newer: [None, None],
    };
    let (shape, config) = match client {
        Client::Python | Client::Js if empty_home => (&no_file, &Config::empty(config.path())),
        _ => (shape, config),
    };
    let active = &shape.active;
    let refused = match client {
        Client::Python => &shape.newer[0],
        Client::Go => &shape.newer[1],
        Client::Js => &None,
    };
    if let Some(newer) = refused {
        fails.get_or_insert(Cause::NewerSyntax(newer.clone()));
    }
    if config.has_bom() && client != Client::Js && fails.is_none() {
        fails = Some(Cause::ByteOrderMark {
            ours: ours.to_owned(),
        });
    }
    let profile = match (&named, client) {
        (Some(name), _) => Some(name.clone()),
        (None, Client::Python) => Some(
            active
                .first()
                .cloned()
                .unwrap_or_else(|| DEFAULT_PROFILE.to_owned()),
        ),
        (None, Client::Js) => js_first_active(names_of(active)).map(str::to_owned),
        (None, Client::Go) if active.len() > 1 => None,
        (None, Client::Go) => active.first().cloned(),
    };
    let several = active.len() > 1 && (named.is_none() || client == Client::Python);
    if several && client != Client::Js {
        fails.get_or_insert(Cause::SeveralActive {
            names: active.clone(),
            ours: ours.to_owned(),
        });
    } else if several {
        causes.push(Cause::SeveralActive {
            names: active.clone(),
            ours: ours.to_owned(),
        });
    }
    if client == Client::Python
        && profile.as_deref() == Some(DEFAULT_PROFILE)
        && active.is_empty()
        && shape.count > 1
    {
        fails.get_or_insert(Cause::NoneActiveOfSeveral {
            ours: ours.to_owned(),
        });
    }
    if profile.is_none() && active.is_empty() && shape.count > 0 {
        causes.push(Cause::NoneActive {
            ours: ours.to_owned(),
        });
    }

    let table = profile.as_deref().and_then(|name| config.profile(name));
    let file_origin = Origin::File {
        path: config.path().to_owned(),
        profile: profile.clone().unwrap_or_default(),
    };
    let mut value = |var: &'static str, key: Option<&str>| -> (Option<String>, Origin) {
        let from_env = if client.takes_empty_variables() {
            env.get_even_empty(var)
        } else {
            env.get(var)
        };
        if let Some(value) = from_env {
            if value.is_empty() {
                causes.push(Cause::EmptyVariable(var));
            }
            return (Some(value.to_owned()), Origin::Env(var));
        }
        (key.map(str::to_owned), file_origin.clone())
    };
    let (token_id, _) = value(MODAL_TOKEN_ID, table.and_then(|t| t.token_id()));
    let (token_secret, _) = value(
        MODAL_TOKEN_SECRET,
        table
            .and_then(|t| t.token_secret())
            .as_ref()
            .map(Secret::expose),
    );
    let (environment, _) = value(MODAL_ENVIRONMENT, table.and_then(|t| t.environment()));
    let (server_url, origin) = value(MODAL_SERVER_URL, table.and_then(|t| t.server_url()));
    let (server_url, origin) = match server_url {
        Some(url) => (url, origin),
        None if client == Client::Python => (DEFAULT_SERVER_URL.to_owned(), Origin::Default),
        None => (SDK_DEFAULT_SERVER_URL.to_owned(), Origin::Default),
    };
    // OAuth: Python and JS read each value from its variable, else the profile, except that JS
    // takes the client secret and the JWT key as a pair (from the environment when either
    // variable is set); Go reads none.
    let has_token = [&token_id, &token_secret]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.is_empty()));
    let pair_from_env = client == Client::Js
        && [MODAL_OAUTH_CLIENT_SECRET, MODAL_OAUTH_JWT_KEY]
            .iter()
            .any(|var| env.get(var).is_some());
    let oauth = OAuth {
        values: OAUTH_KEYS.map(|(key, var)| {
            let from_env = env
                .get(var)
                .map(|v| Sourced::new(Secret::new(v), Origin::Env(var)));
            let from_file = || {
                let value = table.and_then(|t| t.oauth(key));
                value.map(|v| Sourced::new(v, file_origin.clone()))
            };
            let in_pair = key == "oauth_client_secret" || key == "oauth_jwt_key";
            match client {
                Client::Js if in_pair && pair_from_env => from_env,
                Client::Js if in_pair => from_file(),
                _ => from_env.or_else(from_file),
            }
        }),
    };
    let mut uses_oauth = false;
    if oauth.values.iter().any(Option::is_some) {
        match (client, oauth.refused(has_token)) {
            (Client::Go, _) if !has_token => causes.push(Cause::NoOAuth),
            (Client::Go, _) => {}
            (_, Some(message)) => {
                fails.get_or_insert(Cause::OAuthRefused {
                    message,
                    token: has_token,
                });
            }
            (_, None) => uses_oauth = true,
        }
    }
    let server_unusable = server_problem(client, &server_url).map(|problem| Cause::ServerUrl {
        url: server_url.clone(),
        problem,
        origin,
    });
    Reading {
        client,
        fails,
        profile,
        token_id: token_id.filter(|id| !id.is_empty()),
        token_secret: token_secret.filter(|s| !s.is_empty()).map(Secret::new),
        server_url,
        server_unusable,
        environment: environment.filter(|e| !e.is_empty()),
        oauth: uses_oauth,
        causes,
    }
}

/// The first active table in JavaScript's `Object.entries` order: names that are array
/// indices (`"0"`, `"7"`, not `"07"`) in numeric order, then the rest in file order.
fn js_first_active<'a>(active: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let is_index = |name: &str| {
        name.parse::<u32>()
            .is_ok_and(|n| n != u32::MAX && n.to_string() == name)
    };
    let active: Vec<&str> = active.collect();
    active
        .iter()
        .filter(|name| is_index(name))
        .min_by_key(|name| name.parse::<u32>().expect("checked"))
        .or_else(|| active.first())
        .copied()
}

/// Why `client` cannot dial `url`, if it cannot.
fn server_problem(client: Client, url: &str) -> Option<String> {
    if client == Client::Python {
        return python_server_problem(url);
    }
    let parsed = match ServerUrl::parse(url, "") {
        Ok(parsed) => parsed,
        Err(crate::error::Error::InvalidServerUrl { problem, .. }) => return Some(problem),
        Err(_) => return Some("it is not an http:// or https:// URL".into()),
    };
    let lower_scheme = url.starts_with("https://") || url.starts_with("http://");
    let candidate = &parsed.candidates[0];
    if !parsed.ignored.is_empty() {
        // The JS SDK: `Invalid URL`, or a name-resolution error (reproduced with the real SDK,
        // issue 28); Go hands the rest to gRPC's target parser as it is ("unknown port").
        Some(format!(
            "it has {}, which the SDKs cannot dial (modal-setup leaves it out)",
            parsed.ignored.join(" and ")
        ))
    } else if parsed.is_list() {
        Some("it is a failover list, which only Modal's Python client reads".into())
    } else if url.trim() != url {
        Some("it has spaces around it".into())
    } else if url.ends_with('/') {
        Some("it ends with /".into())
    } else if !lower_scheme {
        Some("its scheme is not in lower case".into())
    } else if client == Client::Go
        && url.starts_with("http://")
        && !url.ends_with(&format!(":{}", candidate.port))
    {
        Some("it has no port, and the Go SDK then dials 443 even for http://".into())
    } else {
        None
    }
}

/// Why Modal's Python client 1.6.4 cannot dial `url`, by its own rule (`create_channel` in
/// modal/_utils/grpc_utils.py, for each URL of the failover list, the first that works
/// winning): `urlparse`, then a scheme of http or https and a netloc that splits at `:` into a
/// host and at most a numeric port. So a path, a query or a fragment is no matter to it, while
/// an IPv6 literal (`[::1]:9`, more than one `:`) or a user name with a password is.
pub fn python_server_problem(url: &str) -> Option<String> {
    let dialable = |url: &str| {
        let Some((scheme, rest)) = url.split_once("://") else {
            return false;
        };
        let netloc = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let parts: Vec<&str> = netloc.split(':').collect();
        matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
            && match parts[..] {
                [_] => true,
                [_, port] => port.trim().parse::<u16>().is_ok(),
                _ => false,
            }
    };
    if url.split(',').map(str::trim).any(dialable) {
        return None;
    }
    let problem = if url.contains('[') {
        "its channel splits host:port at ':', so it cannot dial an IPv6 literal"
    } else {
        "its channel takes only http:// or https://host[:port] (\"Invalid target location\" or \"Unknown scheme\")"
    };
    Some(problem.into())
}

/// A way a client's reading differs from modal-setup's, said once for every client it
/// concerns: "{clients} would {what}; {fix}".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub clients: Vec<Client>,
    pub what: String,
    pub fix: String,
    /// Whether the clients differ only in what they read, with no fault of the file or the
    /// environment (they find another profile than the one modal-setup was told to use).
    pub elsewhere: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.clients.iter().map(|c| c.name()).collect();
        let clients = match names.as_slice() {
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        write!(f, "{clients} would {}; {}", self.what, self.fix)
    }
}

/// The fix of a finding that only the side-by-side view explains (doctor is that view).
pub const SIDE_BY_SIDE: &str = "run `modal-setup doctor` to see them side by side";

/// Whether `reading` uses what modal-setup resolved: the same token, server and environment.
pub fn agrees(reading: &Reading, resolved: &Resolved) -> bool {
    if reading.fails.is_some() || reading.server_unusable.is_some() {
        return false;
    }
    let ours_id = resolved.token_id.as_ref().map(|s| s.value.as_str());
    let ours_secret = resolved.token_secret.as_ref().map(|s| s.value.expose());
    let ours_env = resolved.environment.as_ref().map(|s| s.value.as_str());
    reading.oauth == uses_oauth(resolved)
        && reading.token_id.as_deref() == ours_id
        && reading.token_secret.as_ref().map(Secret::expose) == ours_secret
        && reading.environment.as_deref() == ours_env
        && same_server(&reading.server_url, &resolved.server_url.value)
}

/// Whether the settings in effect use OAuth credentials, by Python 1.6.4's rule.
pub fn uses_oauth(resolved: &Resolved) -> bool {
    let token = resolved.token_id.is_some() || resolved.token_secret.is_some();
    resolved
        .oauth
        .as_ref()
        .is_some_and(|oauth| oauth.refused(token).is_none())
}

/// Whether a client's server is one modal-setup would dial: the SDKs' single default is the
/// first of the failover pair, for instance.
pub fn same_server(theirs: &str, ours: &str) -> bool {
    let (Ok(theirs), Ok(ours)) = (ServerUrl::parse(theirs, ""), ServerUrl::parse(ours, "")) else {
        return theirs == ours;
    };
    let ours: Vec<String> = ours.candidates.iter().map(|c| c.canonical()).collect();
    theirs
        .candidates
        .iter()
        .all(|c| ours.contains(&c.canonical()))
}

/// Every way the clients would read something other than `resolved`, each cause once with the
/// clients it concerns.
pub fn findings(readings: &[Reading], resolved: &Resolved) -> Vec<Finding> {
    let mut found: Vec<(u8, Finding)> = Vec::new();
    for reading in readings.iter().filter(|r| !agrees(r, resolved)) {
        let mut said: Vec<(u8, String, String)> = reading
            .fails
            .iter()
            .chain(&reading.server_unusable)
            .chain(&reading.causes)
            .map(|cause| (cause.rank(), cause.what(reading.client), cause.fix()))
            .collect();
        let elsewhere = said.is_empty();
        if elsewhere {
            let profile = reading.profile.as_deref().map_or("none".to_owned(), |p| {
                format!("'{}'", crate::text::sanitize(p))
            });
            // Modal's clients never see `--profile`: the fix is to make the profile theirs.
            let fix = if resolved.profile.origin.is_flag() {
                let name = crate::text::shell_word(&resolved.profile.value);
                format!(
                    "they do not see --profile: `modal-setup profile activate {name}` makes it theirs (or MODAL_PROFILE={name} for one program)"
                )
            } else {
                SIDE_BY_SIDE.into()
            };
            said.push((
                u8::MAX,
                format!("use another token, server or environment (profile {profile})"),
                fix,
            ));
        }
        for (rank, what, fix) in said {
            match found
                .iter_mut()
                .find(|(_, f)| f.what == what && f.fix == fix)
            {
                Some((_, finding)) => finding.clients.push(reading.client),
                None => found.push((
                    rank,
                    Finding {
                        clients: vec![reading.client],
                        what,
                        fix,
                        elsewhere,
                    },
                )),
            }
        }
    }
    // In the order to fix them: what each client reads, then which profile, then the
    // credentials, then the server (a fix of an earlier one can change what a later one is).
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, finding)| finding).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::resolve::{Explicit, Sourced, resolve};
    use std::path::PathBuf;

    fn check(text: &str, env: &[(&str, &str)]) -> (Vec<Reading>, Vec<Finding>) {
        let config = Config::parse("/c.toml", text.as_bytes()).unwrap();
        let env = Env::from_pairs(env.iter().copied());
        let path = Sourced::new(PathBuf::from("/c.toml"), Origin::Default);
        let resolved = resolve(&config, path, &env, &Explicit::default());
        let readings = read_all(&config, &env, &resolved.profile.value);
        let findings = findings(&readings, &resolved);
        (readings, findings)
    }

    const TOKEN: &str = "token_id = \"ak-1\"\ntoken_secret = \"as-1\"\n";

    const OAUTH: &str =
        "oauth_refresh_token = \"rt\"\noauth_client_id = \"cid\"\noauth_client_secret = \"cs\"\n";

    /// Which clients use OAuth, and the first reason each that does not work fails.
    fn oauth_of(text: &str, env: &[(&str, &str)]) -> Vec<(bool, Option<String>)> {
        let (readings, _) = check(text, env);
        readings
            .iter()
            .map(|r| {
                let why = r.fails.as_ref().or(r.causes.first());
                (r.oauth, why.map(|c| c.what(r.client)))
            })
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn an_empty_home_sends_python_and_js_to_other_files_and_stops_go() {
        let text = format!("[a]\n{TOKEN}active = true\n");
        let other = |env: &[(&str, &str)]| -> Vec<(Option<String>, Option<String>)> {
            let (readings, _) = check(&text, env);
            readings
                .iter()
                .map(|r| {
                    let why = r.fails.as_ref().or(r.causes.first());
                    (why.map(|c| c.what(r.client)), r.token_id.clone())
                })
                .collect()
        };
        let go_fails = "fail to start (NewClient: \"cannot locate homedir: $HOME is not defined\"), as HOME is set but empty";
        // Python and JS read files that are not there: no token from the file.
        assert_eq!(
            other(&[("HOME", "")]),
            [
                (
                    Some("read /.modal.toml instead, as HOME is set but empty".to_owned()),
                    None
                ),
                (
                    Some("read ./.modal.toml instead, as HOME is set but empty".to_owned()),
                    None
                ),
                (Some(go_fails.to_owned()), Some("ak-1".to_owned())),
            ]
        );
        // Token variables serve Python and JS still; Go does not start (seen with the Go SDK).
        let vars = [
            ("HOME", ""),
            ("MODAL_TOKEN_ID", "ak-9"),
            ("MODAL_TOKEN_SECRET", "as-9"),
        ];
        let (readings, _) = check(&text, &vars);
        let usable: Vec<bool> = readings
            .iter()
            .map(|r| r.fails.is_none() && r.token_id.as_deref() == Some("ak-9"))
            .collect();
        assert_eq!(usable, [true, true, false]);
        // MODAL_CONFIG_PATH names the file for all; a HOME with a value is everyone's.
        let none = (None, Some("ak-1".to_owned()));
        assert_eq!(
            other(&[("HOME", ""), ("MODAL_CONFIG_PATH", "/c.toml")]),
            [none.clone(), none.clone(), none.clone()]
        );
        assert_eq!(other(&[("HOME", "/h")]), [none.clone(), none.clone(), none]);
    }

    /// Windows: Go's home is USERPROFILE, and it does not start when that is empty.
    #[cfg(windows)]
    #[test]
    fn an_empty_userprofile_stops_go() {
        let text = format!("[a]\n{TOKEN}active = true\n");
        let (readings, _) = check(&text, &[("USERPROFILE", "")]);
        for reading in &readings {
            let why = reading.fails.as_ref().map(|c| c.what(reading.client));
            match reading.client {
                Client::Go => assert!(
                    why.as_deref()
                        .is_some_and(|w| w.contains("%userprofile% is not defined")),
                    "{why:?}"
                ),
                _ => assert_eq!(why, None),
            }
        }
    }

    /// Findings come in the order to fix them (issue 28): here Python's first cause is its
    /// server (an IPv6 literal), yet what each client reads (an empty HOME) comes first.
    #[cfg(unix)]
    #[test]
    fn findings_come_in_the_order_to_fix_them() {
        let vars = [
            ("HOME", ""),
            ("MODAL_TOKEN_ID", "ak-9"),
            ("MODAL_TOKEN_SECRET", "as-9"),
            ("MODAL_SERVER_URL", "http://[::1]:9"),
        ];
        let (_, findings) = check(&format!("[a]\n{TOKEN}active = true\n"), &vars);
        let first_server = findings.iter().position(|f| f.what.contains("server_url"));
        let first_home = findings.iter().position(|f| f.what.contains("HOME"));
        assert!(
            first_home.is_some() && first_server.is_some() && first_home < first_server,
            "{findings:#?}"
        );
    }

    /// Python's rule, as its `create_channel` was seen to take each form (differential.py asks
    /// that function for every generated case).
    #[test]
    fn python_dials_what_its_channel_code_takes() {
        for url in [
            "http://127.0.0.1:9",
            "HTTP://127.0.0.1:9",
            "http://127.0.0.1:9/v1",
            "http://127.0.0.1:9?a=1",
            "http://127.0.0.1:9#x",
            "http://127.0.0.1:9,",
            "http://[::1]:9,http://127.0.0.1:9",
        ] {
            assert_eq!(python_server_problem(url), None, "{url}");
        }
        for url in [
            "http://[::1]:9",
            "http://u:p@127.0.0.1:9",
            "ftp://h",
            "127.0.0.1:9",
        ] {
            assert!(python_server_problem(url).is_some(), "{url}");
        }
    }

    #[test]
    fn the_sdks_cannot_dial_a_url_with_a_fragment_or_a_trailing_comma() {
        for url in ["http://127.0.0.1:9#x", "http://127.0.0.1:9,"] {
            for client in [Client::Js, Client::Go] {
                let problem = server_problem(client, url);
                assert!(
                    problem
                        .as_deref()
                        .is_some_and(|p| p
                            .contains("which the SDKs cannot dial (modal-setup leaves it out)")),
                    "{client:?} {url}: {problem:?}"
                );
            }
        }
        assert_eq!(server_problem(Client::Js, "http://127.0.0.1:9"), None);
    }

    #[test]
    fn oauth_is_read_by_python_and_js_and_refused_beside_a_token_or_incomplete() {
        let both = "refuse to start: \"Modal token credentials and OAuth credentials cannot both be configured.\"";
        let incomplete = "refuse to start: \"OAuth refresh token, client ID, and exactly one of client secret or JWT key must be configured.\"";
        let js_incomplete = "refuse to start: \"OAuth refresh token, client ID, and exactly one of client secret or JWT key must all be configured.\"";
        let go_none = "find no token: it reads no OAuth credentials (the Go SDK 0.7.2 has none)";
        let (py, js, go) = (0, 1, 2);
        // OAuth alone: Python and JS use it; Go finds nothing.
        let only = oauth_of(&format!("[a]\n{OAUTH}active = true\n"), &[]);
        assert_eq!((only[py].0, only[js].0, only[go].0), (true, true, false));
        assert_eq!(only[go].1.as_deref(), Some(go_none));
        // Beside a token, in the file or through one variable: Python and JS refuse; Go uses
        // the token.
        for (text, env) in [
            (format!("[a]\n{TOKEN}{OAUTH}active = true\n"), &[][..]),
            (
                format!("[a]\n{TOKEN}active = true\n"),
                &[("MODAL_OAUTH_CLIENT_ID", "x")][..],
            ),
        ] {
            let read = oauth_of(&text, env);
            assert_eq!(read[py].1.as_deref(), Some(both), "{text} {env:?}");
            assert_eq!(read[js].1.as_deref(), Some(both));
            assert_eq!(read[go], (false, None));
        }
        // Incomplete: a missing client id; a secret and a JWT key both.
        for text in [
            "[a]\noauth_refresh_token = \"rt\"\noauth_client_secret = \"cs\"\nactive = true\n"
                .to_owned(),
            format!("[a]\n{OAUTH}oauth_jwt_key = \"k\"\nactive = true\n"),
        ] {
            let read = oauth_of(&text, &[]);
            assert_eq!(read[py].1.as_deref(), Some(incomplete), "{text}");
            assert_eq!(read[js].1.as_deref(), Some(js_incomplete), "{text}");
        }
        // A JWT key in the environment: JS takes the secret and the key as a pair from there
        // (a JWT key alone: complete); Python takes each on its own (a secret and a key: refused).
        let read = oauth_of(
            &format!("[a]\n{OAUTH}active = true\n"),
            &[("MODAL_OAUTH_JWT_KEY", "k")],
        );
        assert!(read[js].0);
        assert_eq!(read[py].1.as_deref(), Some(incomplete));
        // modal-setup follows Python: OAuth alone is in effect, and every client that uses it
        // agrees; only Go's finding remains.
        let (_, found) = check(&format!("[a]\n{OAUTH}active = true\n"), &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].clients, [Client::Go]);
    }

    /// A profile chosen with `--profile` that no client would use: one line for the three.
    #[test]
    fn clients_that_use_another_profile_are_named_in_one_finding() {
        let text = "[default]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n\n[ci]\ntoken_id = \"ak-2\"\ntoken_secret = \"as-2\"\n";
        let config = Config::parse("/c.toml", text.as_bytes()).unwrap();
        let env = Env::from_pairs::<&str, &str>([]);
        let path = Sourced::new(PathBuf::from("/c.toml"), Origin::Default);
        let explicit = Explicit {
            profile: Some(Sourced::new("ci".to_owned(), Origin::Flag("--profile"))),
            ..Explicit::default()
        };
        let resolved = resolve(&config, path, &env, &explicit);
        let readings = read_all(&config, &env, &resolved.profile.value);
        let found = findings(&readings, &resolved);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "Modal's Python client, the JS SDK and the Go SDK would use another token, server or environment (profile 'default'); they do not see --profile: `modal-setup profile activate ci` makes it theirs (or MODAL_PROFILE=ci for one program)"
        );
    }

    #[test]
    fn one_active_profile_is_read_alike_by_all() {
        let (readings, findings) = check(&format!("[a]\n{TOKEN}active = true\n[b]\n"), &[]);
        assert!(findings.is_empty(), "{findings:?}");
        for r in &readings {
            assert_eq!(r.profile.as_deref(), Some("a"), "{:?}", r.client);
            assert_eq!(r.token_id.as_deref(), Some("ak-1"));
        }
    }

    #[test]
    fn a_lone_default_without_active_is_python_only() {
        let (readings, findings) = check(&format!("[default]\n{TOKEN}"), &[]);
        assert_eq!(readings[0].token_id.as_deref(), Some("ak-1"));
        assert!(readings[1].profile.is_none() && readings[2].token_id.is_none());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].to_string(),
            "the JS SDK and the Go SDK would find no active profile (none says active = true, and they have no fallback to [default]); run `modal-setup profile activate default`"
        );
    }

    #[test]
    fn several_active_split_all_three() {
        let text = format!("{}[\"7\"]\n{TOKEN}active = true\n", text_of(&[("b", true)]));
        let (readings, findings) = check(&text, &[]);
        assert_eq!(
            readings[1].profile.as_deref(),
            Some("7"),
            "JS: integer-like first"
        );
        assert!(matches!(
            readings[0].fails,
            Some(Cause::SeveralActive { .. })
        ));
        assert!(matches!(
            readings[2].fails,
            Some(Cause::SeveralActive { .. })
        ));
        let text: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[2].contains("at random"), "{text:?}");
        assert!(
            text.iter()
                .all(|t| t.ends_with("run `modal-setup profile activate b`"))
        );
        // MODAL_PROFILE settles it for the SDKs; Python still stops.
        let (_, findings) = check(
            &text_of(&[("b", true), ("c", true)]),
            &[(MODAL_PROFILE, "b")],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].clients, [Client::Python]);
    }

    fn text_of(profiles: &[(&str, bool)]) -> String {
        profiles
            .iter()
            .map(|(name, active)| {
                let active = if *active { "active = true\n" } else { "" };
                format!(
                    "[{name}]\ntoken_id = \"ak-{name}\"\ntoken_secret = \"as-{name}\"\n{active}"
                )
            })
            .collect()
    }

    #[test]
    fn a_byte_order_mark_stops_python_and_go() {
        let (_, findings) = check(&format!("\u{feff}[a]\n{TOKEN}active = true\n"), &[]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].clients, [Client::Python, Client::Go]);
    }

    #[test]
    fn server_urls_the_sdks_cannot_dial_are_named_with_their_fix() {
        for (url, clients) in [
            ("http://127.0.0.1:9/", vec![Client::Js, Client::Go]),
            ("http://127.0.0.1", vec![Client::Go]),
            (
                "https://a.example:443,https://b.example:443",
                vec![Client::Js, Client::Go],
            ),
            ("HTTP://127.0.0.1:9", vec![Client::Js, Client::Go]),
            ("http://127.0.0.1:9", vec![]),
            ("https://api.modal.com", vec![]),
        ] {
            let text = format!("[a]\n{TOKEN}server_url = \"{url}\"\nactive = true\n");
            let (_, findings) = check(&text, &[]);
            let found: Vec<Client> = findings.iter().flat_map(|f| f.clients.clone()).collect();
            assert_eq!(found, clients, "{url}: {findings:?}");
        }
        let (_, findings) = check(
            &text_of(&[("a", true)]),
            &[(MODAL_SERVER_URL, "http://127.0.0.1:9/")],
        );
        assert!(
            findings[0]
                .fix
                .ends_with("set MODAL_SERVER_URL=http://127.0.0.1:9"),
            "{findings:?}"
        );
    }

    #[test]
    fn empty_variables_are_values_for_python_only() {
        let (readings, findings) = check(&text_of(&[("a", true)]), &[(MODAL_TOKEN_ID, "")]);
        assert!(readings[0].token_id.is_none());
        assert_eq!(readings[1].token_id.as_deref(), Some("ak-a"));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].clients, [Client::Python]);
        assert!(
            findings[0]
                .fix
                .contains(&crate::platform::unset_line(&["MODAL_TOKEN_ID"]))
        );
    }

    #[test]
    fn python_stops_when_several_profiles_and_none_active() {
        let (readings, findings) = check(&text_of(&[("default", false), ("b", false)]), &[]);
        assert!(matches!(
            readings[0].fails,
            Some(Cause::NoneActiveOfSeveral { .. })
        ));
        let clients: Vec<Vec<Client>> = findings.iter().map(|f| f.clients.clone()).collect();
        assert_eq!(
            clients,
            [vec![Client::Python], vec![Client::Js, Client::Go]]
        );
    }
}
