//! `profile list|current|activate|remove|rename`: offline, instant, and careful with the file.

use serde::Serialize;

use super::Context;
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
}

pub fn list(ctx: &Context, format: ListFormat) -> Result<()> {
    let (path, _, config) = ctx.load()?;
    let in_effect = profile_in_effect(&config, &ctx.env, ctx.explicit_profile().as_ref());
    let rows: Vec<ListedProfile<'_>> = config
        .profiles()
        .map(|p| ListedProfile {
            name: p.name(),
            active: p.name() == in_effect.value,
            token_id: p.token_id(),
            server_url: p.server_url(),
        })
        .collect();
    match format {
        ListFormat::Json => {
            let json = serde_json::to_string_pretty(&rows).expect("plain data serializes");
            ctx.printer.data(&json);
        }
        ListFormat::Names => {
            let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
            if !names.is_empty() {
                ctx.printer.data(&names.join("\n"));
            }
        }
        ListFormat::Table if rows.is_empty() => {
            ctx.printer.status(&format!(
                "No profiles in {}. Create one with `modal-setup setup` or `modal-setup token set`.",
                path.value.display()
            ));
        }
        ListFormat::Table => ctx.printer.data(&table(ctx, &rows)),
    }
    Ok(())
}

fn table(ctx: &Context, rows: &[ListedProfile<'_>]) -> String {
    let width = |f: &dyn Fn(&ListedProfile<'_>) -> usize, header: &str| {
        rows.iter().map(f).max().unwrap_or(0).max(header.len())
    };
    let name_width = width(&|r| r.name.chars().count(), "PROFILE");
    let id_width = width(&|r| r.token_id.map_or(1, |t| t.chars().count()), "TOKEN ID");
    let show_server = rows
        .iter()
        .any(|r| r.server_url.is_some_and(|u| u != DEFAULT_SERVER_URL));
    let mut out = String::with_capacity(rows.len() * (name_width + id_width + 8));
    let mut line = |marker: &str, name: &str, id: &str, server: &str| {
        let row = format!("{marker} {name:<name_width$}  {id:<id_width$}  {server}");
        out.push_str(row.trim_end());
        out.push('\n');
    };
    let server_header = if show_server { "SERVER" } else { "" };
    line(" ", "PROFILE", "TOKEN ID", server_header);
    for row in rows {
        let server = row
            .server_url
            .filter(|u| *u != DEFAULT_SERVER_URL)
            .unwrap_or("");
        let marker = if row.active { "•" } else { " " };
        let name = if row.active {
            // Pad before painting so that escape codes do not upset the columns.
            let padded = format!("{:<name_width$}", row.name);
            ctx.printer.bold(&padded)
        } else {
            row.name.to_owned()
        };
        line(marker, &name, row.token_id.unwrap_or("-"), server);
    }
    out.pop();
    out
}

pub fn current(ctx: &Context) -> Result<()> {
    let (path, _, config) = ctx.load()?;
    let resolved = ctx.resolve(&config, path);
    ctx.printer
        .debug(&format!("chosen by the {}", resolved.profile.origin));
    ctx.printer.data(&resolved.profile.value);
    Ok(())
}

pub fn activate(ctx: &Context, name: Option<String>) -> Result<()> {
    let (path, store, config) = ctx.load_to_edit()?;
    let name = match name {
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
    ctx.printer.success(&format!("Active profile: {name}"));
    if let Some(env_profile) = ctx.env.get(MODAL_PROFILE).filter(|p| *p != name) {
        ctx.printer.warn(&format!(
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

pub fn remove(ctx: &Context, name: &str, yes: bool) -> Result<()> {
    let (path, store, config) = ctx.load_to_edit()?;
    if !config.contains(name) {
        return Err(Error::UnknownProfile {
            name: name.to_owned(),
            path: path.value,
            existing: config.profile_names(),
        });
    }
    if !yes {
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
    let written = store.update(|config| {
        let was_active = config.profile(name).is_some_and(|p| p.is_active());
        config.remove(name)?;
        Ok(was_active && config.active_profiles().is_empty() && !config.is_empty())
    })?;
    ctx.printer.success(&format!(
        "Removed profile {name} from {}",
        path.value.display()
    ));
    if written.value {
        ctx.printer
            .note("no profile is active now; choose one with `modal-setup profile activate`");
    }
    Ok(())
}

pub fn rename(ctx: &Context, old: &str, new: &str) -> Result<()> {
    let path = ctx.config_path()?;
    ctx.store(&path).update(|config| config.rename(old, new))?;
    ctx.printer.success(&format!(
        "Renamed profile {old} to {new} in {}",
        path.value.display()
    ));
    if ctx.env.get(MODAL_PROFILE) == Some(old) {
        ctx.printer
            .warn(&format!("{MODAL_PROFILE}={old} is set; change it to {new}"));
    }
    Ok(())
}
