//! `profile list|current|activate|remove|rename`: offline, instant, and careful with the file.

use serde::Serialize;

use super::Context;
use super::check::{Checked, Status, check_all};
use crate::api::Credentials;
use crate::config::resolve::profile_in_effect;
use crate::config::{Config, DEFAULT_SERVER_URL};
use crate::env::MODAL_PROFILE;
use crate::error::{Error, Result};
use crate::prompt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
    /// One name a line, for shell completion.
    Names,
}

impl ListFormat {
    pub fn of(json: bool, names: bool) -> Self {
        match (json, names) {
            (true, _) => Self::Json,
            (_, true) => Self::Names,
            _ => Self::Table,
        }
    }
}

#[derive(Debug, Serialize)]
struct ListedProfile<'a> {
    name: &'a str,
    /// Whether this is the profile in effect (as in Modal's `profile list --json`).
    active: bool,
    token_id: Option<&'a str>,
    server_url: Option<&'a str>,
    /// With `--check`: "ok", "rejected", "unreachable", "timed out", "error" or "no token".
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    /// With `--check`: the workspace the server reported (null unless the status is "ok").
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace: Option<Option<String>>,
    /// With `--check`: the server URL that was asked (null when nothing was asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    asked: Option<Option<String>>,
    #[serde(skip)]
    shown_status: Option<String>,
}

pub fn list(ctx: &Context, format: ListFormat, check: bool) -> Result<()> {
    let (path, _, config) = ctx.load()?;
    // Resolving reports what `profile current` and `config show` report too: an unknown
    // MODAL_PROFILE, several active profiles.
    let in_effect = ctx.resolve(&config, path.clone()).profile;
    let statuses: Vec<Option<Checked>> = if check {
        check_all(ctx, &config)?.into_iter().map(Some).collect()
    } else {
        vec![None; config.profiles().count()]
    };
    let rows: Vec<ListedProfile<'_>> = config
        .profiles()
        .zip(statuses)
        .map(|(p, status)| ListedProfile {
            name: p.name(),
            active: p.name() == in_effect.value,
            token_id: p.token_id(),
            server_url: p.server_url(),
            status: status.as_ref().map(|c| c.status.code()),
            workspace: status.as_ref().map(|c| match &c.status {
                Status::Ok { workspace } => Some(workspace.clone()),
                _ => None,
            }),
            asked: status.as_ref().map(|c| c.server_url.clone()),
            shown_status: status.as_ref().map(|c| c.status.shown()),
        })
        .collect();
    match format {
        ListFormat::Json => {
            let json = serde_json::to_string_pretty(&rows).expect("plain data serializes");
            ctx.printer.data(&json)?;
        }
        ListFormat::Names => {
            let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
            if !names.is_empty() {
                ctx.printer.data(names.join("\n"))?;
            }
        }
        ListFormat::Table if rows.is_empty() => {
            ctx.printer.status(format_args!(
                "No profiles in {}. Create one with `modal-setup setup` or `modal-setup token set`.",
                path.value.display()
            ));
        }
        ListFormat::Table => ctx.printer.data(table(ctx, &rows, check))?,
    }
    Ok(())
}

/// Aligned columns; the server column only when some profile has a non-default server (with
/// `--check`, always: the URL that was asked), the status column only with `--check`.
fn table(ctx: &Context, rows: &[ListedProfile<'_>], check: bool) -> String {
    let show_server = check
        || rows
            .iter()
            .any(|r| r.server_url.is_some_and(|u| u != DEFAULT_SERVER_URL));
    let mut headers = vec!["PROFILE", "TOKEN ID"];
    if check {
        headers.push("STATUS");
    }
    if show_server {
        headers.push("SERVER");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.name.to_owned(), row.token_id.unwrap_or("-").to_owned()];
            if check {
                cells.push(row.shown_status.clone().unwrap_or_default());
            }
            if let Some(asked) = &row.asked {
                cells.push(asked.clone().unwrap_or_else(|| "-".into()));
            } else if show_server {
                let server = row.server_url.filter(|u| *u != DEFAULT_SERVER_URL);
                cells.push(server.unwrap_or("").to_owned());
            }
            cells
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |marker: &str, cells: &[String], bold: bool| {
        let mut text = String::from(marker);
        for (i, cell) in cells.iter().enumerate() {
            let padded = format!(" {cell:<width$} ", width = widths[i]);
            // Pad before painting so that escape codes do not upset the columns.
            if bold && i == 0 {
                text.push(' ');
                text.push_str(
                    &ctx.printer
                        .data_bold(&format!("{cell:<width$}", width = widths[i])),
                );
                text.push(' ');
            } else {
                text.push_str(&padded);
            }
        }
        text.trim_end().to_owned()
    };
    let header_cells: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    let mut out = vec![line(" ", &header_cells, false)];
    for (row, cells) in rows.iter().zip(&cells) {
        let marker = if row.active { "•" } else { " " };
        out.push(line(marker, cells, row.active));
    }
    out.join("\n")
}

pub fn current(ctx: &Context) -> Result<()> {
    let (path, _, config) = ctx.load()?;
    let resolved = ctx.resolve(&config, path);
    ctx.printer
        .debug(format_args!("chosen by the {}", resolved.profile.origin));
    ctx.printer.data(&resolved.profile.value)?;
    Ok(())
}

pub fn activate(ctx: &Context, name: Option<String>) -> Result<()> {
    let (path, store, config) = ctx.load_to_edit()?;
    // `profile activate --profile NAME` means what it says.
    let name = match name.or_else(|| ctx.profile_flag.clone()) {
        Some(name) => name,
        None if ctx.interactive => choose(ctx, &config)?,
        None => {
            return Err(Error::MissingInput {
                what: "profile name",
                hint: format!(
                    "name the profile, e.g. `modal-setup profile activate NAME`; profiles: {}",
                    list_names(&config)
                ),
            });
        }
    };
    store.update(|config| config.activate(&name))?;
    ctx.printer.success(format_args!("Active profile: {name}"));
    if let Some(env_profile) = ctx.env.get(MODAL_PROFILE).filter(|p| *p != name) {
        ctx.printer.warn(format_args!(
            "{MODAL_PROFILE}={env_profile} is set and overrides the active profile in {}; unset it to use '{name}'",
            path.value.display()
        ));
    }
    Ok(())
}

fn choose(ctx: &Context, config: &Config) -> Result<String> {
    let names = config.profile_names();
    if names.is_empty() {
        return Err(Error::NoProfiles {
            path: config.path().to_owned(),
        });
    }
    let current = profile_in_effect(config, &ctx.env, None).value;
    let default = names.iter().position(|n| *n == current).unwrap_or(0);
    match prompt::select("Profile to activate", &names, default)? {
        Some(index) => Ok(names[index].clone()),
        None => Err(Error::Cancelled),
    }
}

fn list_names(config: &Config) -> String {
    let names = config.profile_names();
    if names.is_empty() {
        "none yet".into()
    } else {
        names.join(", ")
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct RemoveArgs {
    /// Do not ask.
    pub yes: bool,
    /// Revoke the profile's token on the server first.
    pub revoke: bool,
    /// With `revoke`: remove the profile even when revoking fails.
    pub force: bool,
}

pub fn remove(ctx: &Context, name: &str, args: RemoveArgs) -> Result<()> {
    let (path, store, config) = ctx.load_to_edit()?;
    if !config.contains(name) {
        return Err(Error::UnknownProfile {
            name: name.to_owned(),
            path: path.value,
            existing: config.profile_names(),
        });
    }
    if !args.yes {
        if !ctx.interactive {
            return Err(Error::MissingInput {
                what: "confirmation",
                hint: format!("pass --yes to remove profile '{name}' without being asked"),
            });
        }
        let question = format!(
            "Remove profile '{name}' and its token from {}?",
            path.value.display()
        );
        if !prompt::confirm(&question, false)? {
            return Err(Error::Cancelled);
        }
    }
    if args.revoke {
        revoke_profile_token(ctx, &config, name, args.force)?;
    }
    let written = store.update(|config| {
        let was_active = config.profile(name).is_some_and(|p| p.is_active());
        config.remove(name)?;
        Ok(was_active && config.active_profiles().is_empty() && !config.is_empty())
    })?;
    ctx.printer.success(format_args!(
        "Removed profile {name} from {}",
        path.value.display()
    ));
    if written.value {
        ctx.printer
            .note("no profile is active now; choose one with `modal-setup profile activate`");
    }
    Ok(())
}

/// Revokes the token of `name` on its server, authenticated by that token itself. A failure
/// stops the removal unless `force`.
fn revoke_profile_token(ctx: &Context, config: &Config, name: &str, force: bool) -> Result<()> {
    let profile = config.profile(name).expect("checked by the caller");
    let (Some(token_id), Some(secret)) = (profile.token_id(), profile.token_secret()) else {
        ctx.printer.note(format_args!(
            "profile '{name}' holds no token, so there is nothing to revoke"
        ));
        return Ok(());
    };
    let server_url = ctx.server_url_for(config, Some(name));
    let credentials = Credentials::new(token_id, secret);
    let revoked = ctx
        .api(&server_url)
        .and_then(|api| api.delete_token(&credentials, token_id));
    match revoked {
        Ok(()) => {
            ctx.printer
                .success(format_args!("Revoked token {token_id}"));
            Ok(())
        }
        // A token the server rejects is unusable already: there is nothing left to revoke.
        Err(Error::Rejected {
            permission: false, ..
        }) => {
            ctx.printer.note(format_args!(
                "the server no longer accepts token {token_id}, so it needs no revoking"
            ));
            Ok(())
        }
        Err(cause) if force => {
            ctx.printer.warn(format_args!(
                "could not revoke token {token_id} ({cause}); removing the profile anyway (--force): revoke it in the Modal dashboard"
            ));
            Ok(())
        }
        Err(cause) => Err(Error::RevokeFailed {
            token_id: token_id.to_owned(),
            cause: Box::new(cause),
            kept: false,
        }),
    }
}

pub fn rename(ctx: &Context, old: &str, new: &str) -> Result<()> {
    let path = ctx.config_path()?;
    ctx.store(&path)
        .update(|config| config.rename(old, new))
        .map_err(|e| e.on_command_line(true))?;
    ctx.printer.success(format_args!(
        "Renamed profile {old} to {new} in {}",
        path.value.display()
    ));
    if ctx.env.get(MODAL_PROFILE) == Some(old) {
        ctx.printer.warn(format_args!(
            "{MODAL_PROFILE}={old} is set; change it to {new}"
        ));
    }
    Ok(())
}
