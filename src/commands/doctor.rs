//! `doctor`: what each of Modal's clients (the Python client, the JS and Go SDKs) will use from the
//! config file and the environment, side by side with modal-setup's own view; every way they
//! differ with the command that fixes it; and the checks a person needs when authentication
//! fails (a token variable overriding the file, a file others can read or git could commit, and
//! what the server says of the token).
//!
//! The clients' rules are in [`crate::config::clients`]; this file only shows what they give.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::{Connect, Context, Load};
use crate::api::{Identity, TokenInfo};
use crate::commands::config::Shown;
use crate::config::clients::{self, Cause, Client, Finding, Reading};
use crate::config::resolve::{self, Origin, Resolved, Sourced};
use crate::env::{MODAL_TOKEN_ID, MODAL_TOKEN_SECRET};
use crate::error::{Described, Error, Outcome, Result};
use crate::output::Printer;
use crate::text::{sanitize, shell_word, shown};

/// What the caller found out about the config file, offline.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    /// Who can read it, when it exists.
    pub access: Option<crate::platform::Access>,
    /// The git work tree holding it when git would not ignore it: `(root, path inside)`.
    pub in_git: Option<(PathBuf, String)>,
    /// The profiles holding a token, when none is active: what to activate when no token is
    /// in effect.
    pub inactive_tokens: Vec<String>,
}

/// How a check of the troubleshooting list came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Warn,
    Fail,
    Skipped,
}

/// One check of the troubleshooting list.
#[derive(Serialize)]
struct Check {
    name: &'static str,
    status: Status,
    message: String,
    fix: Option<String>,
}

/// The server's view of the token in effect.
enum Server {
    Skipped,
    NoToken,
    Valid(TokenInfo),
    Failed(Error),
    /// OAuth credentials with a JWT key, which modal-setup cannot send (it signs no client
    /// assertions).
    OAuth,
    /// The server accepts the OAuth credentials in effect: the workspace.
    OAuthValid(String),
}

/// `doctor` on the settings `resolved` by the caller and what each client reads (`readings`).
/// Exits 0 when every client will use the same token and the server accepts it (or was not
/// asked, with `--no-verify`), 1 otherwise.
pub fn doctor(
    printer: &Printer,
    resolved: &Resolved,
    readings: &[Reading],
    file: &FileFacts,
    json: bool,
    connect: Option<Connect<'_>>,
) -> Result<()> {
    let findings = clients::findings(readings, resolved);
    let server = match (&resolved.token_id, &resolved.token_secret, connect) {
        (None, _, _) | (_, None, _) if clients::uses_oauth(resolved) => {
            match (super::token::oauth_in_effect(resolved), connect) {
                (None, _) => Server::OAuth,
                (Some(_), None) => Server::Skipped,
                (Some(auth), Some(connect)) => {
                    match super::token::ask_oauth(resolved, &auth, connect) {
                        Ok(workspace) => Server::OAuthValid(workspace),
                        Err(error) => Server::Failed(error),
                    }
                }
            }
        }
        (None, _, _) | (_, None, _) => Server::NoToken,
        (Some(_), Some(_), None) => Server::Skipped,
        (Some(_), Some(_), Some(connect)) => match super::token::ask(resolved, connect) {
            Ok(info) => Server::Valid(info),
            Err(error) => Server::Failed(error),
        },
    };
    let checks = checks(resolved, file, &server);
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    let problems = findings.len() + failed;
    if json {
        printer.data(as_json(
            resolved,
            readings,
            &findings,
            &checks,
            &server,
            problems == 0,
        ))?;
    } else {
        printer.data(as_text(
            resolved,
            readings,
            &findings,
            &checks,
            problems == 0,
        ))?;
    }
    if problems == 0 {
        return Ok(());
    }
    Err(Error::DoctorFound { problems })
}

/// `doctor`, from its flags: no warnings first, as the report says it all, on stdout.
pub fn exec(ctx: &Context, json: bool, no_verify: bool) -> Result<()> {
    let (path, store, file) = match ctx.load(Load::Quiet) {
        Err(error @ Error::ConfigInvalid { .. }) => {
            return unparsable(&ctx.printer, &ctx.config_path()?, &ctx.env, error, json);
        }
        loaded => loaded?,
    };
    let facts = FileFacts {
        access: store.access(),
        in_git: super::git::unignored_in_work_tree(&path.value),
        inactive_tokens: if file.active_profiles().is_empty() {
            file.token_holders()
        } else {
            Vec::new()
        },
    };
    let resolved = resolve::resolve(&file, path, &ctx.env, &ctx.explicit());
    let readings = clients::read_all(&file, &ctx.env, &resolved.profile.value);
    let connect = |url: &Sourced<String>| ctx.connect(url);
    let connect = (!no_verify).then_some(&connect as Connect<'_>);
    doctor(&ctx.printer, &resolved, &readings, &facts, json, connect)
}

/// `doctor` on a file modal-setup cannot parse: the parse error, then what each client makes of
/// the file as far as it can be known; it ends with the parse error.
fn unparsable(
    printer: &Printer,
    path: &Sourced<PathBuf>,
    env: &crate::env::Env,
    error: Error,
    json: bool,
) -> Result<()> {
    // The JS SDK, with no profile, has the variables alone: a token, OAuth (refused beside a
    // token, or incomplete), or nothing.
    let set = |var: &str| env.get(var).is_some();
    let [refresh, client_id, secret, jwt_key] = crate::config::OAUTH_KEYS.map(|(_, var)| set(var));
    let oauth = refresh || client_id || secret || jwt_key;
    let (js_usable, js) = match (set(MODAL_TOKEN_ID), set(MODAL_TOKEN_SECRET), oauth) {
        (true, _, true) | (_, true, true) => (
            false,
            "takes the file for an empty one (no profile) and refuses to start: token and OAuth variables are both set",
        ),
        (true, true, false) => (
            true,
            "takes the file for an empty one (no profile) and uses MODAL_TOKEN_ID and MODAL_TOKEN_SECRET",
        ),
        (_, _, true) if refresh && client_id && secret != jwt_key => (
            true,
            "takes the file for an empty one (no profile) and uses the MODAL_OAUTH_* variables",
        ),
        (_, _, true) => (
            false,
            "takes the file for an empty one (no profile) and refuses to start: the MODAL_OAUTH_* variables are incomplete",
        ),
        _ => (
            false,
            "takes the file for an empty one: no profile, so no token",
        ),
    };
    // Valid TOML with a value modal-setup refuses (`active = "true"`, `token_id = 12`): Python
    // and JS read it by their own rules, which modal-setup does not follow past the refused
    // value; Go decodes into typed fields and fails (seen with the Go SDK).
    let text = std::fs::read_to_string(&path.value).unwrap_or_default();
    let valid_toml = text
        .trim_start_matches('\u{feff}')
        .parse::<toml_edit::DocumentMut>()
        .is_ok();
    let unknown = "reads it (it is valid TOML; modal-setup refuses only a value in it): what it uses from it is not known here";
    let said: [(Client, Option<bool>, &str); 3] = if valid_toml {
        [
            (Client::Python, None, unknown),
            (Client::Js, None, unknown),
            (
                Client::Go,
                Some(false),
                "fails to start (NewClient: go-toml v2 cannot decode the value into the type the SDK reads it as)",
            ),
        ]
    } else {
        [
            (
                Client::Python,
                None,
                "may read it or stop every command: its parser, toml 0.10.2, takes some files TOML calls invalid (duplicate keys among them); `modal profile current` tells",
            ),
            (Client::Js, Some(js_usable), js),
            (
                Client::Go,
                Some(false),
                "fails to start (NewClient: parsing the file), as go-toml v2 reads no invalid TOML",
            ),
        ]
    };
    if json {
        /// `doctor --json` on a file that does not parse (fields in the order they print).
        #[derive(Serialize)]
        struct Unparsable<'a> {
            clients: BTreeMap<&'static str, Guess<'a>>,
            config_path: String,
            error: Described,
            ok: bool,
        }
        /// What a client makes of the file; `usable` is null where it cannot be known.
        #[derive(Serialize)]
        struct Guess<'a> {
            problem: &'a str,
            usable: Option<bool>,
        }
        let report = Unparsable {
            clients: said
                .iter()
                .map(|&(client, usable, problem)| (client.key(), Guess { problem, usable }))
                .collect(),
            config_path: path.value.display().to_string(),
            error: error.described(),
            ok: false,
        };
        printer.data(serde_json::to_string_pretty(&report).expect("plain data serializes"))?;
    } else {
        let mut out = format!(
            "Config file: {} ({})\n\n✗ modal-setup cannot parse it\n",
            path.value.display(),
            path.origin
        );
        for (client, _, what) in said {
            let _ = writeln!(out, "- {} {what}", client.name());
        }
        out.pop();
        printer.data(out)?;
    }
    Err(error)
}

/// A change `doctor --fix` makes; none touches a credential.
#[derive(Debug, PartialEq, Eq)]
enum Repair {
    /// Make the profile the only active one (a write also drops a byte-order mark).
    Activate(String),
    /// Write server_url in the one form every client reads.
    ServerUrl { profile: String, url: String },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Activate(name) => write!(f, "make profile '{}' the only active one", shown(name)),
            Self::ServerUrl { profile, url } => {
                write!(
                    f,
                    "write server_url = \"{url}\" in profile '{}'",
                    shown(profile)
                )
            }
        }
    }
}

/// What `--fix` can do about what the clients read: the causes a write of the file cures.
fn repairs(readings: &[Reading], config: &crate::config::Config) -> Vec<Repair> {
    let mut repairs = Vec::new();
    let causes = readings
        .iter()
        .flat_map(|r| r.fails.iter().chain(&r.server_unusable).chain(&r.causes));
    for cause in causes {
        let repair = match cause {
            Cause::ByteOrderMark { ours }
            | Cause::NoneActive { ours }
            | Cause::NoneActiveOfSeveral { ours }
            | Cause::SeveralActive { ours, .. }
                if config.contains(ours) =>
            {
                Repair::Activate(ours.clone())
            }
            Cause::ServerUrl {
                url,
                origin: Origin::File { profile, .. },
                ..
            } => match crate::server_url::ServerUrl::parse(url, "") {
                Ok(parsed) if !parsed.is_list() => Repair::ServerUrl {
                    profile: profile.clone(),
                    url: parsed.canonical(),
                },
                _ => continue,
            },
            _ => continue,
        };
        if !repairs.contains(&repair) {
            repairs.push(repair);
        }
    }
    repairs
}

/// `doctor --fix`: shows the changes that cure what a write can cure, asks (unless `yes`),
/// writes them through the store, and says what it did; the report that follows checks again.
pub fn repair(ctx: &Context, yes: bool) -> Result<()> {
    let printer = &ctx.printer;
    let (path, store, file) = ctx.load(Load::Quiet)?;
    let resolved = resolve::resolve(&file, path, &ctx.env, &ctx.explicit());
    let readings = clients::read_all(&file, &ctx.env, &resolved.profile.value);
    let repairs = repairs(&readings, &file);
    if repairs.is_empty() {
        printer.status(
            "Nothing for --fix to change: what the report lists needs you (each with its command)",
        );
        return Ok(());
    }
    for repair in &repairs {
        printer.status(format_args!("--fix will {repair}"));
    }
    if !yes {
        if !ctx.interactive {
            return Err(Error::MissingInput {
                what: "confirmation",
                hint: "pass --yes to apply these changes without being asked".into(),
            });
        }
        if !crate::prompt::confirm("Apply these changes?", false)? {
            return Err(Error::Cancelled);
        }
    }
    let written = store.update(|config| {
        for repair in &repairs {
            match repair {
                Repair::Activate(name) => config.activate(name).map(drop)?,
                Repair::ServerUrl { profile, url } => config.set_server_url(profile, url)?,
            }
        }
        Ok(())
    })?;
    printer.success(format_args!(
        "Applied {} change(s) to {}",
        repairs.len(),
        written.target.display()
    ));
    super::report_write(printer, &written);
    Ok(())
}

fn checks(resolved: &Resolved, file: &FileFacts, server: &Server) -> Vec<Check> {
    let path = resolved.config_path.value.display().to_string();
    let from_env = |origin: Option<&Origin>| matches!(origin, Some(Origin::Env(_)));
    let overriding: Vec<&str> = [
        (
            MODAL_TOKEN_ID,
            from_env(resolved.token_id.as_ref().map(|s| &s.origin)),
        ),
        (
            MODAL_TOKEN_SECRET,
            from_env(resolved.token_secret.as_ref().map(|s| &s.origin)),
        ),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    let variables = if overriding.is_empty() {
        Check {
            name: "token_variables",
            status: Status::Ok,
            message: format!("no {MODAL_TOKEN_ID} or {MODAL_TOKEN_SECRET} overrides the file"),
            fix: None,
        }
    } else {
        let names = overriding.join(" and ");
        Check {
            name: "token_variables",
            status: Status::Warn,
            message: format!("{names} set in the environment override the file's token"),
            fix: Some(format!(
                "`{}` to use the token of the file",
                crate::platform::unset_line(&overriding)
            )),
        }
    };
    let permissions = match &file.access {
        None => Check {
            name: "file_permissions",
            status: Status::Skipped,
            message: format!("{path} does not exist"),
            fix: None,
        },
        Some(access) if !access.private => Check {
            name: "file_permissions",
            status: Status::Warn,
            message: format!("{path} is readable by other users ({})", access.shown),
            fix: Some(crate::platform::make_private_command(path.as_ref())),
        },
        Some(access) => Check {
            name: "file_permissions",
            status: Status::Ok,
            message: format!("only you can read {path} ({})", access.shown),
            fix: None,
        },
    };
    let git = match &file.in_git {
        Some((root, line)) => Check {
            name: "git",
            status: Status::Warn,
            message: format!(
                "{path} is inside the git work tree {} and not ignored, so its token could be committed",
                root.display()
            ),
            fix: Some(format!(
                "add the line {line} to {}",
                root.join(".gitignore").display()
            )),
        },
        None => Check {
            name: "git",
            status: Status::Ok,
            message: "no git work tree could commit the file".into(),
            fix: None,
        },
    };
    vec![
        variables,
        permissions,
        git,
        server_check(resolved, server, &file.inactive_tokens),
    ]
}

fn server_check(resolved: &Resolved, server: &Server, inactive_tokens: &[String]) -> Check {
    let at = sanitize(&resolved.server_url.value);
    let (status, message, fix) = match server {
        Server::Skipped => (Status::Skipped, "not asked (--no-verify)".to_owned(), None),
        Server::OAuth => (
            Status::Skipped,
            format!(
                "OAuth credentials with a JWT key in effect ({}), which Modal's Python client and the JS SDK use; modal-setup cannot check them (it signs no client assertions)",
                resolved
                    .oauth
                    .as_ref()
                    .map(|o| o.sources().join(", "))
                    .unwrap_or_default()
            ),
            None,
        ),
        // A profile named on purpose that is not in the file (a typo): never "log in" under it.
        Server::NoToken if !resolved.problems.is_empty() => (
            Status::Fail,
            format!("no token in effect: {}", resolved.problems[0]),
            None,
        ),
        Server::NoToken => (
            Status::Fail,
            format!(
                "no token in effect (profile '{}')",
                sanitize(&resolved.profile.value)
            ),
            Some(match inactive_tokens {
                [] => "log in with `modal-setup setup`".to_owned(),
                [only] => format!("run `modal-setup profile activate {}`", shell_word(only)),
                several => format!(
                    "choose the profile to use with `modal-setup profile activate NAME` ({})",
                    several
                        .iter()
                        .map(|n| sanitize(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        ),
        Server::OAuthValid(workspace) => (
            Status::Ok,
            format!(
                "{at} accepts the OAuth credentials (workspace {})",
                sanitize(workspace)
            ),
            None,
        ),
        Server::Valid(info) => {
            let expires = info
                .expires_at
                .map_or("it never expires".to_owned(), |secs| {
                    format!("it expires at {}", crate::time::utc(secs))
                });
            let who = match &info.identity {
                Some(Identity::User { name, .. } | Identity::ServiceUser { name, .. }) => {
                    format!(", {}", sanitize(name))
                }
                None => String::new(),
            };
            (
                Status::Ok,
                format!(
                    "{at} accepts token {} (workspace {}{who}); {expires}",
                    info.token_id,
                    sanitize(&info.workspace_name)
                ),
                None,
            )
        }
        // Logging in again cannot help while the environment supplies the token.
        Server::Failed(
            error @ Error::Rejected {
                overridden_by: Some(variables),
                ..
            },
        ) => (
            Status::Fail,
            format!("{error} (revoked, expired or never valid)"),
            Some(variables.clone()),
        ),
        Server::Failed(
            error @ Error::Rejected {
                what: crate::error::THE_TOKEN,
                ..
            },
        ) => (
            Status::Fail,
            format!("{error} (revoked, expired or never valid)"),
            Some("log in again with `modal-setup setup`".to_owned()),
        ),
        Server::Failed(error) => (Status::Fail, error.to_string(), error.hint()),
    };
    Check {
        name: "server",
        status,
        message,
        fix,
    }
}

/// What one client's column shows.
struct Column {
    label: &'static str,
    profile: Option<String>,
    /// `token`, `oauth` (Modal's second kind of credential) or `(none)`.
    credentials: &'static str,
    token_id: Option<String>,
    secret: &'static str,
    server_url: String,
    environment: Option<String>,
    /// Why it cannot work with what it reads (after "would"): no token, a refused file, a
    /// server it cannot dial.
    problem: Option<String>,
}

fn columns(resolved: &Resolved, readings: &[Reading]) -> Vec<Column> {
    let ours_secret = resolved.token_secret.as_ref().map(|s| s.value.expose());
    let ours_token = resolved.token_id.is_some() && ours_secret.is_some();
    let ours_oauth = clients::uses_oauth(resolved);
    let kind = |oauth: bool, token: bool| match (oauth, token) {
        (true, _) => "oauth",
        (false, true) => "token",
        (false, false) => "(none)",
    };
    let mut columns = vec![Column {
        label: "modal-setup",
        profile: Some(resolved.profile.value.clone()),
        credentials: kind(ours_oauth, ours_token),
        token_id: resolved.token_id.as_ref().map(|s| s.value.clone()),
        secret: if ours_secret.is_some() {
            "set"
        } else {
            "(none)"
        },
        server_url: resolved.server_url.value.clone(),
        environment: resolved.environment.as_ref().map(|s| s.value.clone()),
        problem: (!ours_token && !ours_oauth).then(|| "find no token".to_owned()),
    }];
    for reading in readings {
        let secret = match (
            reading.token_secret.as_ref().map(|s| s.expose()),
            ours_secret,
        ) {
            (None, _) => "(none)",
            (Some(theirs), Some(ours)) if theirs == ours => "same",
            (Some(_), _) => "other",
        };
        let has_token = reading.token_id.is_some() && reading.token_secret.is_some();
        let usable = has_token || reading.oauth;
        let problem = reading
            .fails
            .as_ref()
            .or(reading.server_unusable.as_ref())
            .or(reading.causes.first().filter(|_| !usable))
            .map(|cause| cause.what(reading.client))
            .or_else(|| (!usable).then(|| "find no token".to_owned()));
        columns.push(Column {
            label: label(reading.client),
            profile: reading.profile.clone(),
            credentials: kind(reading.oauth, has_token),
            token_id: reading.token_id.clone(),
            secret,
            server_url: reading.server_url.clone(),
            environment: reading.environment.clone(),
            problem,
        });
    }
    columns
}

fn label(client: Client) -> &'static str {
    match client {
        Client::Python => "Python 1.6.4",
        Client::Js => "JS SDK 0.11.1",
        Client::Go => "Go SDK 0.7.2",
    }
}

/// The text report: the rows all four agree on, once; the rows they differ in, a line per
/// client (so that it fits 80 columns); the findings; the checks; on success, the verdict (a
/// failure's is the error line that follows).
fn as_text(
    resolved: &Resolved,
    readings: &[Reading],
    findings: &[Finding],
    checks: &[Check],
    healthy: bool,
) -> String {
    let columns = columns(resolved, readings);
    let none = |value: &Option<String>| {
        value
            .as_deref()
            .map_or("(none)".to_owned(), |v| shown(v).into_owned())
    };
    let cells = |cell: &dyn Fn(&Column) -> String| columns.iter().map(cell).collect::<Vec<_>>();
    let rows: [(&str, Vec<String>); 7] = [
        ("profile", cells(&|c| none(&c.profile))),
        ("credentials", cells(&|c| c.credentials.to_owned())),
        ("token_id", cells(&|c| none(&c.token_id))),
        ("secret", cells(&|c| c.secret.to_owned())),
        ("server_url", cells(&|c| shown(&c.server_url).into_owned())),
        ("environment", cells(&|c| none(&c.environment))),
        (
            "usable",
            cells(&|c| if c.problem.is_some() { "no" } else { "yes" }.to_owned()),
        ),
    ];
    // The clients' own spellings of one server (the SDKs' single URL for the default pair),
    // and "same" secret, count as agreeing.
    let agrees = |name: &str, cells: &[String]| match name {
        "server_url" => readings
            .iter()
            .all(|r| clients::same_server(&r.server_url, &resolved.server_url.value)),
        "secret" => cells[1..]
            .iter()
            .all(|c| c == "same" || (c == "(none)" && cells[0] == *c)),
        _ => cells.iter().all(|c| *c == cells[0]),
    };
    let (agreed, differing): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(name, cells)| agrees(name, cells));
    let mut out = format!(
        "Config file: {} ({})\n",
        resolved.config_path.value.display(),
        resolved.config_path.origin
    );
    let mut table = |title: String, lines: Vec<Vec<String>>| {
        let _ = write!(out, "\n{title}\n");
        for line in crate::output::columns(&lines, |_, _, cell| cell) {
            let _ = writeln!(out, "  {line}");
        }
    };
    if !agreed.is_empty() {
        let labels: Vec<&str> = columns.iter().map(|c| c.label).collect();
        let (last, first) = labels.split_last().expect("four columns");
        let lines = agreed
            .iter()
            .map(|(name, cells)| vec![(*name).to_owned(), cells[0].clone()])
            .collect();
        table(format!("{} and {last} all read:", first.join(", ")), lines);
    }
    if !differing.is_empty() {
        let header =
            std::iter::once(String::new()).chain(differing.iter().map(|(n, _)| (*n).to_owned()));
        let lines = std::iter::once(header.collect())
            .chain(columns.iter().enumerate().map(|(i, column)| {
                std::iter::once(column.label.to_owned())
                    .chain(differing.iter().map(|(_, cells)| cells[i].clone()))
                    .collect()
            }))
            .collect();
        table("They differ in:".to_owned(), lines);
    }
    out.push('\n');
    for finding in findings {
        let said = finding.to_string();
        // doctor is the side-by-side view the finding points to.
        let said = said.replace(
            clients::SIDE_BY_SIDE,
            "the table above shows where they differ",
        );
        let _ = writeln!(out, "✗ {said}");
    }
    for check in checks {
        let mark = match check.status {
            Status::Ok => "✓",
            Status::Warn => "!",
            Status::Fail => "✗",
            Status::Skipped => "-",
        };
        let _ = write!(out, "{mark} {}", check.message);
        if let Some(fix) = &check.fix {
            let _ = write!(out, "; {fix}");
        }
        out.push('\n');
    }
    if healthy {
        out.push_str(
            "\n✓ Modal's Python client and its JS and Go SDKs will all use the token modal-setup reports\n",
        );
    }
    out.pop();
    out
}

/// `doctor --json`: the settings in effect ([`Shown`]), each client's column, the findings,
/// the checks, what the server said, and the verdict.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    settings: Shown,
    clients: BTreeMap<&'static str, ColumnJson<'a>>,
    findings: Vec<FindingJson<'a>>,
    checks: &'a [Check],
    server: ServerJson,
    ok: bool,
}

#[derive(Serialize)]
struct ColumnJson<'a> {
    profile: &'a Option<String>,
    credentials: Option<&'static str>,
    token_id: &'a Option<String>,
    token_secret: Option<&'static str>,
    server_url: &'a str,
    environment: &'a Option<String>,
    usable: bool,
    problem: &'a Option<String>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    clients: Vec<&'static str>,
    problem: &'a str,
    fix: &'a str,
}

/// What the server said of the token in effect: its word ([`Outcome`]), and what it told.
#[derive(Serialize)]
struct ServerJson {
    status: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Described>,
}

fn as_json(
    resolved: &Resolved,
    readings: &[Reading],
    findings: &[Finding],
    checks: &[Check],
    server: &Server,
    ok: bool,
) -> String {
    let columns = columns(resolved, readings);
    let keys = std::iter::once("modal-setup").chain(Client::ALL.iter().map(|c| c.key()));
    let clients = keys
        .zip(&columns)
        .map(|(key, column)| {
            let json = ColumnJson {
                profile: &column.profile,
                credentials: (column.credentials != "(none)").then_some(column.credentials),
                token_id: &column.token_id,
                token_secret: (column.secret != "(none)").then_some(column.secret),
                server_url: &column.server_url,
                environment: &column.environment,
                usable: column.problem.is_none(),
                problem: &column.problem,
            };
            (key, json)
        })
        .collect();
    let status = |status| ServerJson {
        status,
        token_id: None,
        workspace: None,
        expires_at: None,
        error: None,
    };
    let server = match server {
        Server::Valid(info) => ServerJson {
            token_id: Some(info.token_id.clone()),
            workspace: Some(info.workspace_name.clone()),
            expires_at: info.expires_at.map(crate::time::rfc3339),
            ..status(Outcome::Ok)
        },
        Server::Failed(error) => ServerJson {
            error: Some(error.described()),
            ..status(error.outcome())
        },
        Server::NoToken => status(Outcome::NoToken),
        Server::OAuthValid(workspace) => ServerJson {
            workspace: Some(workspace.clone()),
            ..status(Outcome::Ok)
        },
        Server::Skipped | Server::OAuth => status(Outcome::NotAsked),
    };
    let report = Report {
        settings: Shown::of(resolved),
        clients,
        findings: findings
            .iter()
            .map(|f| FindingJson {
                clients: f.clients.iter().map(|c| c.key()).collect(),
                problem: &f.what,
                fix: &f.fix,
            })
            .collect(),
        checks,
        server,
        ok,
    };
    serde_json::to_string_pretty(&report).expect("plain data serializes")
}

/// `doctor` in process: the server is a function.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Credentials;
    use crate::output::Verbosity;
    use crate::testing::{fake, resolved};

    const TOKEN: &str = "token_id = \"ak-1\"\ntoken_secret = \"as-1\"\n";

    fn run(text: &str, env: &[(&str, &str)], connect: Option<Connect<'_>>) -> (Result<()>, String) {
        let printer = Printer::capturing(Verbosity::Normal);
        let resolved = resolved(text, env);
        let config = crate::config::Config::parse("/t.toml", text.as_bytes()).unwrap();
        let env = crate::env::Env::from_pairs(env.iter().copied());
        let readings = clients::read_all(&config, &env, &resolved.profile.value);
        let facts = FileFacts {
            access: Some(crate::platform::Access {
                private: true,
                shown: "mode 0600".into(),
            }),
            in_git: None,
            inactive_tokens: Vec::new(),
        };
        let result = doctor(&printer, &resolved, &readings, &facts, false, connect);
        (result, printer.captured().stdout)
    }

    fn valid(credentials: &Credentials) -> Result<TokenInfo> {
        Ok(TokenInfo {
            token_id: credentials.token_id.clone(),
            token_name: None,
            workspace_id: "ac-1".into(),
            workspace_name: "acme".into(),
            identity: None,
            created_at: None,
            expires_at: Some(1_796_185_000),
        })
    }

    #[test]
    fn one_active_profile_and_a_valid_token_is_healthy() {
        let (result, out) = run(
            &format!("[a]\n{TOKEN}active = true\n"),
            &[],
            Some(&fake(valid)),
        );
        result.unwrap();
        // The verdict, last, agrees with the exit code.
        assert!(
            out.trim_end().ends_with("✓ Modal's Python client and its JS and Go SDKs will all use the token modal-setup reports"),
            "{out}"
        );
        assert!(
            out.contains(
                "accepts token ak-1 (workspace acme); it expires at 2026-12-02 04:16:40 UTC"
            ),
            "{out}"
        );
        // All four agree: one column of values, and a report within 80 columns.
        assert!(
            out.contains("modal-setup, Python 1.6.4, JS SDK 0.11.1 and Go SDK 0.7.2 all read:\n  profile      a\n"),
            "{out}"
        );
        assert!(!out.contains("They differ in:"), "{out}");
        assert!(table_fits_80_columns(&out), "{out}");
    }

    #[test]
    fn a_disagreement_is_shown_with_its_fix_and_fails() {
        let (result, out) = run(&format!("[default]\n{TOKEN}"), &[], None);
        assert!(
            matches!(result, Err(Error::DoctorFound { problems: 1 })),
            "{result:?}"
        );
        assert!(
            out.contains("✗ the JS SDK and the Go SDK would find no active profile"),
            "{out}"
        );
        assert!(
            out.contains("run `modal-setup profile activate default`"),
            "{out}"
        );
        assert!(out.contains("- not asked (--no-verify)"), "{out}");
    }

    #[test]
    fn a_rejected_token_and_overriding_variables_are_reported() {
        let reject = |_: &Credentials| -> Result<TokenInfo> {
            Err(Error::Rejected {
                server: "http://127.0.0.1:1".into(),
                message: "Token has been deleted".into(),
                what: crate::error::THE_TOKEN,
                permission: false,
                overridden_by: None,
            })
        };
        let env = [(MODAL_TOKEN_ID, "ak-env"), (MODAL_TOKEN_SECRET, "as-env")];
        let (result, out) = run(
            &format!("[a]\n{TOKEN}active = true\n"),
            &env,
            Some(&fake(reject)),
        );
        assert!(
            matches!(result, Err(Error::DoctorFound { problems: 1 })),
            "{result:?}"
        );
        assert!(out.contains("! MODAL_TOKEN_ID and MODAL_TOKEN_SECRET set in the environment override the file's token; `"), "{out}");
        // Logging in cannot help while the variables supply the token: the fix names them.
        assert!(
            out.contains("(revoked, expired or never valid); the token comes from MODAL_TOKEN_ID and MODAL_TOKEN_SECRET: unset or update them"),
            "{out}"
        );
        assert!(!out.contains("log in again"), "{out}");
    }

    /// The tables (the lines up to the first finding or check) fit an 80-column terminal.
    fn table_fits_80_columns(out: &str) -> bool {
        out.lines()
            .take_while(|l| !l.starts_with(['✓', '✗', '!', '-']))
            .all(|l| l.chars().count() <= 80)
    }

    #[test]
    fn clients_that_differ_are_shown_a_line_each_only_where_they_differ() {
        let file = format!(
            "[a]\n{TOKEN}active = true\n[b]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\n"
        );
        let (result, out) = run(&file, &[("MODAL_PROFILE", "b")], None);
        assert!(result.is_ok(), "{out}");
        let (result, out) = run(&file.replace("active = true\n", ""), &[], None);
        assert!(
            matches!(result, Err(Error::DoctorFound { .. })),
            "{result:?}"
        );
        assert!(
            out.contains("They differ in:\n                 profile\n  modal-setup    default\n  Python 1.6.4   default\n  JS SDK 0.11.1  (none)\n"),
            "{out}"
        );
        assert!(
            out.contains("\n  server_url   https://api.modal.com,"),
            "{out}"
        );
        assert!(table_fits_80_columns(&out), "{out}");
        // No token anywhere: no line says all is well.
        let (result, out) = run("", &[], None);
        assert!(result.is_err());
        assert!(!out.contains("✓ Modal's Python client"), "{out}");
    }
}
