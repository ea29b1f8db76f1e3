//! `token info`: the credentials in effect, where each came from, and what the server says
//! (TokenInfoGet).

use serde::Serialize;

use crate::api::{Auth, Credentials, Identity, OAuthCredentials, TokenInfo};
use crate::commands::Connect;
use crate::commands::config::Shown;
use crate::config::clients::{self, Reading};
use crate::config::resolve::{Origin, Resolved};
use crate::env::{MODAL_TOKEN_ID, MODAL_TOKEN_SECRET};
use crate::error::{Described, Error, Result};
use crate::output::Printer;
use crate::text::shell_word;

/// `token info` on the settings `resolved` by the caller: what is known locally, then what the
/// server says (TokenInfoGet), asked through `connect` (`None` for `--no-verify`).
pub fn info(
    printer: &Printer,
    resolved: &Resolved,
    json: bool,
    connect: Option<Connect<'_>>,
) -> Result<()> {
    if let Some(auth) = oauth_in_effect(resolved) {
        return info_oauth(printer, resolved, json, connect, &auth);
    }
    let (Some(token_id), Some(token_secret)) = (&resolved.token_id, &resolved.token_secret) else {
        let error = no_token(resolved);
        if json {
            printer.data(Report::of(resolved, None, Some(&error)))?;
        }
        return Err(error);
    };
    let from_env = |origin: &Origin| matches!(origin, Origin::Env(_));
    match (from_env(&token_id.origin), from_env(&token_secret.origin)) {
        (true, false) => printer.warn(format_args!(
            "{MODAL_TOKEN_ID} is set but {MODAL_TOKEN_SECRET} is not: the id comes from the environment and the secret from the {}; they may not belong together",
            token_secret.origin
        )),
        (false, true) => printer.warn(format_args!(
            "{MODAL_TOKEN_SECRET} is set but {MODAL_TOKEN_ID} is not: the secret comes from the environment and the id from the {}; they may not belong together",
            token_id.origin
        )),
        _ => {}
    }
    let both_env = from_env(&token_id.origin) && from_env(&token_secret.origin);
    // What is known locally comes first, so that it shows even when the server check fails;
    // it is printed once the server has answered, so that `-v`'s lines about the call come
    // before the listing, not in the middle of it.
    let local = || -> Result<()> {
        if json {
            return Ok(());
        }
        printer.data(shown_lines(&local_lines(resolved)))
    };
    let info = match connect.map(|connect| ask(resolved, connect)) {
        Some(Ok(info)) => Some(info),
        // JSON stays whole: what is known locally, `verified: false` and the error; the
        // exit code is the error's.
        Some(Err(error)) if json => {
            printer.data(Report::of(resolved, None, Some(&error)))?;
            return Err(error);
        }
        Some(Err(error)) => {
            local()?;
            return Err(error);
        }
        None => None,
    };
    local()?;
    if json {
        printer.data(Report::of(resolved, info.as_ref(), None))?;
    } else {
        let mut lines = info.as_ref().map(server_lines).unwrap_or_default();
        if both_env {
            lines.push(format!(
                "(Using {MODAL_TOKEN_ID} and {MODAL_TOKEN_SECRET} environment variables)"
            ));
        }
        if !lines.is_empty() {
            printer.data(lines.join("\n"))?;
        }
    }
    Ok(())
}

/// `token info` with OAuth credentials in effect: where they come from, and the workspace
/// WorkspaceNameLookup answers (TokenInfoGet is about tokens).
fn info_oauth(
    printer: &Printer,
    resolved: &Resolved,
    json: bool,
    connect: Option<Connect<'_>>,
    auth: &Auth,
) -> Result<()> {
    let asked = connect.map(|connect| ask_oauth(resolved, auth, connect));
    let (workspace, error) = match asked {
        Some(Ok(workspace)) => (Some(workspace), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    if json {
        let info = workspace.as_ref().map(|workspace| TokenInfo {
            token_id: String::new(),
            token_name: None,
            workspace_id: String::new(),
            workspace_name: workspace.clone(),
            identity: None,
            created_at: None,
            expires_at: None,
        });
        printer.data(Report::of(resolved, info.as_ref(), error.as_ref()))?;
    } else {
        let mut lines = oauth_lines(resolved);
        lines.push(format!(
            "Server: {} ({})",
            resolved.server_url.value, resolved.server_url.origin
        ));
        lines.extend(workspace.map(|w| format!("Workspace: {w}")));
        printer.data(shown_lines(&lines))?;
    }
    error.map_or(Ok(()), Err)
}

/// Where the OAuth credentials in effect come from, and the profile.
fn oauth_lines(resolved: &Resolved) -> Vec<String> {
    let sources = resolved.oauth.as_ref().map(|o| o.sources().join(", "));
    vec![
        format!(
            "Profile: {} ({})",
            resolved.profile.value, resolved.profile.origin
        ),
        format!("Credentials: OAuth ({})", sources.unwrap_or_default()),
    ]
}

/// Lines as printed: control characters neutralised, joined.
fn shown_lines(lines: &[String]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .map(|line| crate::text::shown(line).into_owned())
        .collect();
    shown.join("\n")
}

/// TokenInfoGet for the token in effect; a rejection says which variables supplied it.
pub(crate) fn ask(resolved: &Resolved, connect: Connect<'_>) -> Result<TokenInfo> {
    let (Some(token_id), Some(token_secret)) = (&resolved.token_id, &resolved.token_secret) else {
        return Err(no_token(resolved));
    };
    let credentials = Credentials::new(token_id.value.clone(), token_secret.value.clone());
    let asked = connect(&resolved.server_url).and_then(|server| server.token_info(&credentials));
    asked.map_err(|error| match error {
        Error::Rejected {
            server,
            message,
            permission,
            what,
            ..
        } => Error::Rejected {
            server,
            message,
            permission,
            what,
            overridden_by: env_variables(resolved),
        },
        other => other,
    })
}

/// The OAuth credentials in effect, as Modal's Python client sends them, when they are what it
/// uses and modal-setup can send them too: `None` for a token, and for a JWT key in place of
/// the client secret (modal-setup signs no client assertions).
pub(crate) fn oauth_in_effect(resolved: &Resolved) -> Option<Auth> {
    if !clients::uses_oauth(resolved) {
        return None;
    }
    let [refresh, client_id, secret, _] = &resolved.oauth.as_ref()?.values;
    Some(Auth::OAuth(OAuthCredentials {
        refresh_token: refresh.as_ref()?.value.clone(),
        client_id: client_id.as_ref()?.value.expose().to_owned(),
        client_secret: secret.as_ref()?.value.clone(),
    }))
}

/// WorkspaceNameLookup with the OAuth credentials in effect, as Modal's `profile list` asks:
/// the workspace.
pub(crate) fn ask_oauth(resolved: &Resolved, auth: &Auth, connect: Connect<'_>) -> Result<String> {
    let asked = connect(&resolved.server_url).and_then(|server| server.username(auth));
    asked.map_err(|error| match error {
        Error::Rejected {
            server,
            message,
            permission,
            overridden_by,
            ..
        } => Error::Rejected {
            server,
            message,
            permission,
            overridden_by,
            what: crate::error::THE_OAUTH_CREDENTIALS,
        },
        other => other,
    })
}

/// What `status` and `whoami` print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Logged in or not, as whom, the token's age, and which of Modal's clients use it.
    Status,
    /// The workspace and the user of the token in effect.
    Whoami,
}

/// A token older than this many days is worth rotating (Modal asks for regular rotation).
pub const ROTATE_AFTER_DAYS: i64 = 90;
/// Nor should one be left to expire within this many days.
pub const EXPIRES_SOON_DAYS: i64 = 7;

/// `status` and `whoami` (see [`View`]): the server is asked about the token in effect, and
/// `status` says whether each of Modal's clients reads that token (doctor says why not).
pub fn status(
    printer: &Printer,
    resolved: &Resolved,
    readings: &[Reading],
    view: View,
    connect: Connect<'_>,
    now: i64,
) -> Result<()> {
    if let Some(auth) = oauth_in_effect(resolved) {
        let workspace = format!("Workspace: {}", ask_oauth(resolved, &auth, connect)?);
        let lines = match view {
            View::Whoami => vec![workspace],
            View::Status => {
                let logged_in = format!("Logged in to {} with OAuth", resolved.server_url.value);
                [vec![logged_in, workspace], oauth_lines(resolved)].concat()
            }
        };
        return printer.data(shown_lines(&lines));
    }
    let info = ask(resolved, connect)?;
    let mut lines = Vec::new();
    if view == View::Status {
        lines.push(format!("Logged in to {}", resolved.server_url.value));
    }
    lines.push(format!("Workspace: {}", info.workspace_name));
    match &info.identity {
        Some(Identity::User { name, .. }) => lines.push(format!("User: {name}")),
        Some(Identity::ServiceUser { name, .. }) => lines.push(format!("Service User: {name}")),
        None => {}
    }
    if view == View::Status {
        let days = |secs: i64| secs.div_euclid(86_400);
        let created = info.created_at.map_or(String::new(), |at| {
            format!(
                ", created {} ({} days ago)",
                crate::time::utc(at),
                days(now - at)
            )
        });
        let expires = info.expires_at.map_or("never".into(), crate::time::utc);
        let token_id = resolved.token_id.as_ref().map_or("", |id| &id.value);
        lines.push(format!(
            "Profile: {} ({})",
            resolved.profile.value, resolved.profile.origin
        ));
        lines.push(format!("Token: {token_id}{created}, expires {expires}"));
        let (using, not): (Vec<&Reading>, _) = readings
            .iter()
            .partition(|reading| clients::agrees(reading, resolved));
        let names = |readings: &[&Reading]| {
            let names: Vec<&str> = readings.iter().map(|r| r.client.name()).collect();
            names.join(", ")
        };
        if !using.is_empty() {
            lines.push(format!("Used by: {}", names(&using)));
        }
        if !not.is_empty() {
            printer.warn(format_args!(
                "{} would not use this token: `modal-setup doctor` says why",
                names(&not)
            ));
        }
        let age = info.created_at.map(|at| days(now - at));
        let left = info.expires_at.map(|at| days(at - now));
        if let Some(left) = left.filter(|left| *left < EXPIRES_SOON_DAYS) {
            printer.warn(format_args!(
                "the token expires in {left} day(s): replace it with `modal-setup token rotate`"
            ));
        } else if let Some(age) = age.filter(|age| *age > ROTATE_AFTER_DAYS) {
            printer.note(format_args!(
                "the token is {age} days old; rotate tokens every {ROTATE_AFTER_DAYS} days or sooner with `modal-setup token rotate`"
            ));
        }
    }
    printer.data(shown_lines(&lines))
}

/// What to change when the server rejects a token the environment supplies, in part or whole:
/// one variable is "it", two are "them", and an id and a secret from different places are
/// said to be so.
fn env_variables(resolved: &Resolved) -> Option<String> {
    let (Some(id), Some(secret)) = (&resolved.token_id, &resolved.token_secret) else {
        return None;
    };
    match (&id.origin, &secret.origin) {
        (Origin::Env(_), Origin::Env(_)) => Some(format!(
            "the token comes from {MODAL_TOKEN_ID} and {MODAL_TOKEN_SECRET}: unset or update them"
        )),
        (Origin::Env(var), other) => Some(format!(
            "the token id comes from {var} and its secret from the {other}: unset or update {var}"
        )),
        (other, Origin::Env(var)) => Some(format!(
            "the token secret comes from {var} and its id from the {other}: unset or update {var}"
        )),
        _ => None,
    }
}

fn no_token(resolved: &Resolved) -> Error {
    if clients::uses_oauth(resolved) {
        let sources = resolved.oauth.as_ref().map(|o| o.sources().join(", "));
        return Error::NoCredentials {
            what: "token",
            hint: format!(
                "the credentials in effect are OAuth with a JWT key ({}), which Modal's Python client and the JS SDK use and the Go SDK does not; modal-setup cannot check them (it signs no client assertions): `modal-setup doctor` shows what each client uses",
                sources.unwrap_or_default()
            ),
        };
    }
    let what = if resolved.token_id.is_none() {
        "token id"
    } else {
        "token secret"
    };
    let from_env = |origin: Option<&Origin>| matches!(origin, Some(Origin::Env(_)));
    let half = match (
        from_env(resolved.token_id.as_ref().map(|s| &s.origin)),
        from_env(resolved.token_secret.as_ref().map(|s| &s.origin)),
    ) {
        (true, false) => Some((MODAL_TOKEN_ID, MODAL_TOKEN_SECRET)),
        (false, true) => Some((MODAL_TOKEN_SECRET, MODAL_TOKEN_ID)),
        _ => None,
    };
    if let Some((set, missing)) = half {
        return Error::NoCredentials {
            what,
            hint: format!(
                "{set} is set but {missing} is not: set {missing} too, or unset {set} to use the config file"
            ),
        };
    }
    let profile = &resolved.profile.value;
    let word = shell_word(profile);
    let create = format!(
        "log in with `modal-setup setup --profile {word}`, or write a token with `modal-setup token set --profile {word}`"
    );
    let hint = if resolved.profile_exists {
        format!(
            "profile '{profile}' of {} holds no {what}: {create}",
            resolved.config_path.value.display()
        )
    } else if resolved.profile.origin == Origin::Default {
        format!(
            "{} has no profile '{profile}' and none is active: log in with `modal-setup setup`, or write a token with `modal-setup token set`",
            resolved.config_path.value.display()
        )
    } else {
        // The warning before the error already said that the profile is not in the file.
        create
    };
    Error::NoCredentials { what, hint }
}

/// Token, profile, where the id and the secret come from, server: all known offline.
fn local_lines(resolved: &Resolved) -> Vec<String> {
    let token_id = resolved.token_id.as_ref().expect("checked by the caller");
    let secret = resolved
        .token_secret
        .as_ref()
        .expect("checked by the caller");
    vec![
        format!("Token: {}", token_id.value),
        format!(
            "Profile: {} ({})",
            resolved.profile.value, resolved.profile.origin
        ),
        format!("Token id from: {}", token_id.origin),
        format!("Token secret from: {}", secret.origin),
        format!(
            "Server: {} ({})",
            resolved.server_url.value, resolved.server_url.origin
        ),
    ]
}

/// What TokenInfoGet said, in 1.6.4's words.
fn server_lines(info: &TokenInfo) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(name) = &info.token_name {
        lines.push(format!("Name: {name}"));
    }
    lines.push(format!(
        "Workspace: {} ({})",
        info.workspace_name, info.workspace_id
    ));
    match &info.identity {
        Some(Identity::User { id, name }) => lines.push(format!("User: {name} ({id})")),
        Some(Identity::ServiceUser {
            id,
            name,
            created_by,
        }) => {
            lines.push(format!("Service User: {name} ({id})"));
            if let Some(creator) = created_by {
                lines.push(format!("Created By: {creator}"));
            }
        }
        None => {}
    }
    if let Some(created) = info.created_at {
        lines.push(format!("Created at: {}", crate::time::utc(created)));
    }
    lines.push(format!(
        "Expires at: {}",
        info.expires_at.map_or("never".to_owned(), crate::time::utc)
    ));
    lines
}

/// `token info --json`: the settings in effect ([`Shown`]), whether the token was verified,
/// what the server said, or the error.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    settings: Shown,
    using_environment_variables: bool,
    verified: bool,
    server: Option<Answer<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Described>,
}

/// What TokenInfoGet said, times in RFC 3339 (the text output keeps the friendly form).
#[derive(Serialize)]
struct Answer<'a> {
    token_name: &'a Option<String>,
    workspace: &'a str,
    workspace_id: Option<&'a str>,
    identity: &'a Option<Identity>,
    created_at: Option<String>,
    expires_at: Option<String>,
}

impl<'a> Report<'a> {
    fn of(resolved: &Resolved, info: Option<&'a TokenInfo>, error: Option<&Error>) -> String {
        let from_env = |origin: Option<&Origin>| matches!(origin, Some(Origin::Env(_)));
        let report = Report {
            settings: Shown::of(resolved),
            using_environment_variables: from_env(resolved.token_id.as_ref().map(|s| &s.origin))
                && from_env(resolved.token_secret.as_ref().map(|s| &s.origin)),
            verified: info.is_some(),
            server: info.map(|info| Answer {
                token_name: &info.token_name,
                workspace: &info.workspace_name,
                workspace_id: Some(info.workspace_id.as_str()).filter(|id| !id.is_empty()),
                identity: &info.identity,
                created_at: info.created_at.map(crate::time::rfc3339),
                expires_at: info.expires_at.map(crate::time::rfc3339),
            }),
            error: error.map(Error::described),
        };
        serde_json::to_string_pretty(&report).expect("plain data serializes")
    }
}

/// `token info` in process: the server is a function here.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::resolve::Sourced;
    use crate::output::Verbosity;
    use crate::testing::{fake, resolved};
    use serde_json::Value;

    const FILE: &str = "[a]\ntoken_id = \"ak-file\"\ntoken_secret = \"as-file\"\nactive = true\n";

    fn answer(credentials: &Credentials) -> Result<TokenInfo> {
        Ok(TokenInfo {
            token_id: credentials.token_id.clone(),
            token_name: Some("laptop".into()),
            workspace_id: "ac-1".into(),
            workspace_name: "acme".into(),
            identity: None,
            created_at: None,
            expires_at: None,
        })
    }

    /// `status` on FILE and a profile `b` (with `--profile flag`), the token created `age`
    /// days before `NOW` and expiring in `left`
    /// days: what it printed, and what it warned and noted.
    fn status_of(flag: Option<&str>, age: i64, left: Option<i64>, view: View) -> (String, String) {
        const NOW: i64 = 1_796_185_000;
        let dated = move |credentials: &Credentials| {
            answer(credentials).map(|info| TokenInfo {
                identity: Some(Identity::User {
                    id: "us-1".into(),
                    name: "alice".into(),
                }),
                created_at: Some(NOW - age * 86_400),
                expires_at: left.map(|days| NOW + days * 86_400),
                ..info
            })
        };
        let printer = Printer::capturing(Verbosity::Normal);
        let file = format!("{FILE}[b]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\n");
        let config = crate::config::Config::parse("/home/u/.modal.toml", file.as_bytes()).unwrap();
        let env = crate::Env::default();
        let explicit = crate::config::resolve::Explicit {
            profile: flag.map(|name| Sourced::new(name.to_owned(), Origin::Flag("--profile"))),
            ..Default::default()
        };
        let path = Sourced::new("/home/u/.modal.toml".into(), Origin::Default);
        let resolved = crate::config::resolve::resolve(&config, path, &env, &explicit);
        let readings = clients::read_all(&config, &env, &resolved.profile.value);
        status(&printer, &resolved, &readings, view, &fake(dated), NOW).unwrap();
        let out = printer.captured();
        (out.stdout, out.stderr)
    }

    #[test]
    fn status_says_who_what_token_and_which_clients_use_it() {
        let (out, said) = status_of(None, 3, None, View::Status);
        assert!(out.contains("Workspace: acme\nUser: alice\n"), "{out}");
        assert!(
            out.contains(
                "Token: ak-file, created 2026-11-29 04:16:40 UTC (3 days ago), expires never"
            ),
            "{out}"
        );
        assert!(
            out.contains("Used by: Modal's Python client, the JS SDK, the Go SDK"),
            "{out}"
        );
        assert_eq!(said, "");
        // `--profile b`: Modal's clients do not see the flag and read the active profile.
        let (out, said) = status_of(Some("b"), 3, None, View::Status);
        assert!(!out.contains("Used by"), "{out}");
        assert!(
            said.contains("would not use this token: `modal-setup doctor` says why"),
            "{said}"
        );
    }

    #[test]
    fn status_suggests_rotating_an_old_or_expiring_token() {
        let (_, said) = status_of(None, ROTATE_AFTER_DAYS + 1, None, View::Status);
        assert!(
            said.contains("the token is 91 days old; rotate tokens every 90 days"),
            "{said}"
        );
        let (_, said) = status_of(None, ROTATE_AFTER_DAYS, None, View::Status);
        assert_eq!(said, "");
        let (_, said) = status_of(None, 1, Some(EXPIRES_SOON_DAYS - 1), View::Status);
        assert!(
            said.contains(
                "the token expires in 6 day(s): replace it with `modal-setup token rotate`"
            ),
            "{said}"
        );
        let (_, said) = status_of(None, 1, Some(EXPIRES_SOON_DAYS), View::Status);
        assert_eq!(said, "");
    }

    #[test]
    fn whoami_prints_the_workspace_and_the_user() {
        let (out, said) = status_of(None, ROTATE_AFTER_DAYS + 1, None, View::Whoami);
        assert_eq!(out, "Workspace: acme\nUser: alice\n");
        assert_eq!(said, "", "whoami gives no advice");
    }

    #[test]
    fn local_lines_come_first_then_the_server_s() {
        let printer = Printer::capturing(Verbosity::Normal);
        let resolved = resolved(FILE, &[]);
        info(&printer, &resolved, false, None).unwrap();
        let offline = printer.captured().stdout;
        assert!(
            offline.starts_with("Token: ak-file\nProfile: a"),
            "{offline}"
        );
        assert!(!offline.contains("acme"));
        let printer = Printer::capturing(Verbosity::Normal);
        info(&printer, &resolved, false, Some(&fake(answer))).unwrap();
        let online = printer.captured().stdout;
        assert!(online.starts_with(&offline), "{online}");
        assert!(online.contains("acme"), "{online}");
    }

    #[test]
    fn dates_in_json_are_rfc_3339() {
        let printer = Printer::capturing(Verbosity::Normal);
        let dated = |credentials: &Credentials| {
            answer(credentials).map(|info| TokenInfo {
                created_at: Some(1_796_185_000),
                ..info
            })
        };
        info(&printer, &resolved(FILE, &[]), true, Some(&fake(dated))).unwrap();
        let json: Value = serde_json::from_str(&printer.captured().stdout).unwrap();
        assert_eq!(json["server"]["created_at"], "2026-12-02T04:16:40Z");
        assert_eq!(json["server"]["expires_at"], Value::Null);
    }

    #[test]
    fn a_rejection_names_the_variables_the_token_came_from() {
        let printer = Printer::capturing(Verbosity::Normal);
        let env = [(MODAL_TOKEN_ID, "ak-env"), (MODAL_TOKEN_SECRET, "as-env")];
        let reject = |_: &Credentials| -> Result<TokenInfo> {
            Err(Error::Rejected {
                server: "https://api.modal.com".into(),
                message: "Invalid token".into(),
                what: crate::error::THE_TOKEN,
                permission: false,
                overridden_by: None,
            })
        };
        let error = info(&printer, &resolved(FILE, &env), false, Some(&fake(reject))).unwrap_err();
        let Error::Rejected { overridden_by, .. } = error else {
            panic!("{error:?}");
        };
        assert_eq!(
            overridden_by.as_deref(),
            Some(
                "the token comes from MODAL_TOKEN_ID and MODAL_TOKEN_SECRET: unset or update them"
            )
        );
        // One variable beside the file: named alone, and the two places said.
        let error = info(
            &printer,
            &resolved(FILE, &env[..1]),
            false,
            Some(&fake(reject)),
        )
        .unwrap_err();
        let Error::Rejected { overridden_by, .. } = error else {
            panic!("{error:?}");
        };
        let hint = overridden_by.unwrap();
        assert!(
            hint.starts_with(
                "the token id comes from MODAL_TOKEN_ID and its secret from the profile "
            ) && hint.ends_with(": unset or update MODAL_TOKEN_ID"),
            "{hint}"
        );
        // What is known locally was printed before the error.
        assert!(printer.captured().stdout.starts_with("Token: ak-env\n"));
        // In JSON too: whole, with `verified: false` and the error, and the error returned.
        let printer = Printer::capturing(Verbosity::Normal);
        let error = info(&printer, &resolved(FILE, &env), true, Some(&fake(reject))).unwrap_err();
        assert!(matches!(error, Error::Rejected { .. }));
        let json: Value = serde_json::from_str(&printer.captured().stdout).unwrap();
        assert_eq!(json["verified"], false);
        assert_eq!(json["token_id"], "ak-env");
        assert_eq!(json["error"]["kind"], "rejected");
        assert!(
            json["error"]["hint"]
                .as_str()
                .unwrap()
                .contains("MODAL_TOKEN_ID")
        );
    }
}
