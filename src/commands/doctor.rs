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
use crate::api::{Credentials, Identity, TokenInfo};
use crate::commands::config::Shown;
use crate::config::clients::{self, Client, Finding, Reading};
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
        (None, _, _) | (_, None, _) => Server::NoToken,
        (Some(_), Some(_), None) => Server::Skipped,
        (Some(id), Some(secret), Some(connect)) => {
            let credentials = Credentials::new(id.value.clone(), secret.value.clone());
            match connect(&resolved.server_url).and_then(|server| server.token_info(&credentials)) {
                Ok(info) => Server::Valid(info),
                Err(error) => Server::Failed(error),
            }
        }
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
        printer.data(as_text(resolved, readings, &findings, &checks))?;
    }
    if problems == 0 {
        return Ok(());
    }
    Err(Error::DoctorFound { problems })
}

/// `doctor`, from its flags: no warnings first, as the report says it all, on stdout.
pub fn exec(ctx: &Context, json: bool, no_verify: bool) -> Result<()> {
    let (path, store, file) = ctx.load(Load::Quiet)?;
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
        Server::Failed(error @ Error::Rejected { .. }) => (
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
    let mut columns = vec![Column {
        label: "modal-setup",
        profile: Some(resolved.profile.value.clone()),
        token_id: resolved.token_id.as_ref().map(|s| s.value.clone()),
        secret: if ours_secret.is_some() {
            "set"
        } else {
            "(none)"
        },
        server_url: resolved.server_url.value.clone(),
        environment: resolved.environment.as_ref().map(|s| s.value.clone()),
        problem: (!ours_token).then(|| "find no token".to_owned()),
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
        let problem = reading
            .fails
            .as_ref()
            .or(reading.server_unusable.as_ref())
            .or(reading.causes.first().filter(|_| !has_token))
            .map(|cause| cause.what(reading.client))
            .or_else(|| (!has_token).then(|| "find no token".to_owned()));
        columns.push(Column {
            label: label(reading.client),
            profile: reading.profile.clone(),
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

fn as_text(
    resolved: &Resolved,
    readings: &[Reading],
    findings: &[Finding],
    checks: &[Check],
) -> String {
    let columns = columns(resolved, readings);
    let none = |value: &Option<String>| {
        value
            .as_deref()
            .map_or("(none)".to_owned(), |v| shown(v).into_owned())
    };
    let rows: Vec<(&str, Vec<String>)> = vec![
        ("", columns.iter().map(|c| c.label.to_owned()).collect()),
        (
            "profile",
            columns.iter().map(|c| none(&c.profile)).collect(),
        ),
        (
            "token_id",
            columns.iter().map(|c| none(&c.token_id)).collect(),
        ),
        (
            "secret",
            columns.iter().map(|c| c.secret.to_owned()).collect(),
        ),
        (
            "server_url",
            columns
                .iter()
                .map(|c| shown(&c.server_url).into_owned())
                .collect(),
        ),
        (
            "environment",
            columns.iter().map(|c| none(&c.environment)).collect(),
        ),
        (
            "usable",
            columns
                .iter()
                .map(|c| if c.problem.is_some() { "no" } else { "yes" }.to_owned())
                .collect(),
        ),
    ];
    let mut out = format!(
        "Config file: {} ({})\n\n",
        resolved.config_path.value.display(),
        resolved.config_path.origin
    );
    let cells: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(name, cells)| std::iter::once(name.to_owned()).chain(cells).collect())
        .collect();
    for line in crate::output::columns(&cells, |_, _, cell| cell) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    if findings.is_empty() {
        out.push_str(
            "✓ Modal's Python client and its JS and Go SDKs will use what modal-setup reports\n",
        );
    }
    for finding in findings {
        let _ = writeln!(out, "✗ {finding}");
    }
    out.push('\n');
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
        Server::Skipped => status(Outcome::NotAsked),
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
        assert!(out.contains("will use what modal-setup reports"), "{out}");
        assert!(
            out.contains(
                "accepts token ak-1 (workspace acme); it expires at 2026-12-02 04:16:40 UTC"
            ),
            "{out}"
        );
        let header = out.lines().nth(2).unwrap();
        assert!(
            header.contains("modal-setup") && header.contains("Go SDK 0.7.2"),
            "{out}"
        );
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
        assert!(
            out.contains("(revoked, expired or never valid); log in again"),
            "{out}"
        );
    }
}
