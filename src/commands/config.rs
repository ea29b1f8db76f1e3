//! `config show` and `config path`: the settings in effect and where each came from.
//!
//! [`Shown`] is how every `--json` document shows the settings in effect (`config show`,
//! `token info`, `doctor`): each value flat, a string or null, as Modal's `config show`
//! prints them, and `origins`, where each came from (null when unset), with the same keys.

use serde::Serialize;

use std::path::PathBuf;

use super::{Context, Load};
use crate::cli::ConfigCommand;
use crate::config::resolve::{self, Origin, Resolved, Sourced};
use crate::env::MODAL_ENVIRONMENT;
use crate::error::Result;
use crate::output::{Printer, columns};
use crate::text::shown;

/// How the secret is shown, as Modal's `config show` does.
const REDACTED: &str = "***";

/// The settings in effect, for JSON: values flat, origins beside them.
#[derive(Debug)]
pub struct Shown([Row; 10]);

impl Shown {
    pub fn of(resolved: &Resolved) -> Self {
        Self(rows(resolved))
    }
}

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, &value.as_ref().map(|(value, _)| value))?;
        }
        map.serialize_entry("origins", &Origins(&self.0))?;
        map.end()
    }
}

/// Where each setting came from, keyed as the values are.
struct Origins<'a>(&'a [Row; 10]);

impl Serialize for Origins<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let origin = |(key, value): &Row| (*key, value.as_ref().map(|(_, o)| o.to_string()));
        serializer.collect_map(self.0.iter().map(origin))
    }
}

/// `config show`: the settings `resolved` (by the caller), with their origins if asked. The
/// JSON ([`Shown`]) has one shape whatever the flags.
pub fn show(printer: &Printer, resolved: &Resolved, json: bool, with_origin: bool) -> Result<()> {
    if json {
        let text =
            serde_json::to_string_pretty(&Shown::of(resolved)).expect("plain data serializes");
        printer.data(&text)?;
        return Ok(());
    }
    // Text from the file or the environment: it cannot act on the terminal. Origins line up
    // in a column of their own.
    let cells: Vec<Vec<String>> = rows(resolved)
        .into_iter()
        // OAuth keys, Modal's second kind of credential, only when set.
        .filter(|(key, value)| value.is_some() || !key.starts_with("oauth_"))
        .map(|(key, value)| match value {
            Some((value, origin)) => {
                let mut row = vec![key.to_owned(), shown(&value).into_owned()];
                if with_origin {
                    row.push(format!("({})", shown(&origin.to_string())));
                }
                row
            }
            None => vec![key.to_owned(), "(not set)".to_owned()],
        })
        .collect();
    let lines = columns(&cells, |_, column, cell| match column {
        2 => printer.data_dim(&cell),
        _ => cell,
    });
    printer.data(lines.join("\n"))?;
    Ok(())
}

type Row = (&'static str, Option<(String, Origin)>);

fn rows(resolved: &Resolved) -> [Row; 10] {
    let shown = |s: &Option<Sourced<String>>| s.clone().map(|s| (s.value, s.origin));
    [
        (
            "profile",
            Some((
                resolved.profile.value.clone(),
                resolved.profile.origin.clone(),
            )),
        ),
        (
            "config_path",
            Some((
                resolved.config_path.value.display().to_string(),
                resolved.config_path.origin.clone(),
            )),
        ),
        (
            "server_url",
            Some((
                resolved.server_url.value.clone(),
                resolved.server_url.origin.clone(),
            )),
        ),
        ("token_id", shown(&resolved.token_id)),
        (
            "token_secret",
            resolved
                .token_secret
                .as_ref()
                .map(|s| (REDACTED.to_owned(), s.origin.clone())),
        ),
        ("environment", shown(&resolved.environment)),
        oauth_row(resolved, 0),
        oauth_row(resolved, 1),
        oauth_row(resolved, 2),
        oauth_row(resolved, 3),
    ]
}

/// An OAuth key in effect, its value as "***" (they are secrets; Modal's `config show` shows the
/// client id, modal-setup never shows any).
fn oauth_row(resolved: &Resolved, index: usize) -> Row {
    let value = resolved
        .oauth
        .as_ref()
        .and_then(|o| o.values[index].as_ref());
    let key = crate::config::OAUTH_KEYS[index].0;
    (key, value.map(|v| (REDACTED.to_owned(), v.origin.clone())))
}

/// The `config` commands, from their flags.
pub fn exec(ctx: &Context, command: ConfigCommand) -> Result<()> {
    match command {
        ConfigCommand::Show { json, origin } => {
            let (path, _, file) = ctx.load(Load::Read)?;
            show(&ctx.printer, &ctx.resolve(&file, path), json, origin)
        }
        ConfigCommand::Path => path(&ctx.printer, &ctx.config_path()?),
        ConfigCommand::SetEnvironment { name, .. } => {
            let (_, store) = ctx.open(Load::Edit)?;
            let explicit = ctx.explicit().profile;
            let written = store.update(|config| {
                let profile = resolve::profile_in_effect(config, &ctx.env, explicit.as_ref());
                config.set_environment(&profile.value, name.as_deref())?;
                Ok(profile.value)
            })?;
            let printer = &ctx.printer;
            let profile = shown(&written.value);
            match &name {
                Some(name) => printer.success(format_args!(
                    "Profile '{profile}' uses environment '{}' now",
                    shown(name)
                )),
                None => printer.success(format_args!(
                    "Profile '{profile}' uses the workspace's default environment now"
                )),
            }
            super::report_write(printer, &written);
            if let Some(value) = ctx.env.get(MODAL_ENVIRONMENT) {
                printer.warn(format_args!(
                    "{MODAL_ENVIRONMENT} is set (to '{}') and overrides the file for every Modal client: unset it for this to apply",
                    shown(value)
                ));
            }
            Ok(())
        }
    }
}

/// `config path`: the path in effect, which the caller found without reading the file, so
/// that it works whatever the file holds.
pub fn path(printer: &Printer, path: &Sourced<PathBuf>) -> Result<()> {
    printer.debug(format_args!("chosen by the {}", path.origin));
    printer.data(path.value.display())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Verbosity;
    use crate::testing::resolved;

    #[test]
    fn show_redacts_the_secret_and_names_each_origin() {
        let printer = Printer::capturing(Verbosity::Normal);
        let file = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n";
        let resolved = resolved(file, &[("MODAL_ENVIRONMENT", "prod")]);
        show(&printer, &resolved, false, true).unwrap();
        show(&printer, &resolved, true, false).unwrap();
        let out = printer.captured().stdout;
        // The origins line up, past the longest value.
        let at = |key: &str| {
            let line = out.lines().find(|l| l.starts_with(key)).unwrap();
            (line.find('(').unwrap(), line.to_owned())
        };
        let (secret_at, secret) = at("token_secret");
        let (environment_at, environment) = at("environment");
        assert_eq!(secret_at, environment_at, "{out}");
        assert!(
            secret.starts_with("token_secret  *** ")
                && secret.ends_with("(profile 'a' in /home/u/.modal.toml)"),
            "{out}"
        );
        assert!(
            environment.starts_with("environment   prod ")
                && environment.ends_with("(MODAL_ENVIRONMENT environment variable)"),
            "{out}"
        );
        assert!(out.contains("\"token_secret\": \"***\""), "{out}");
        assert!(
            out.contains("\"environment\": \"MODAL_ENVIRONMENT environment variable\""),
            "{out}"
        );
        assert!(!out.contains("as-1"));
    }
}
