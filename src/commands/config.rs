//! `config show` and `config path`: the settings in effect and where each came from.

use serde_json::{Map, Value};

use std::path::PathBuf;

use crate::config::resolve::{Origin, Resolved, Sourced};
use crate::error::Result;
use crate::output::Printer;

/// How the secret is shown, as Modal's `config show` does.
const REDACTED: &str = "***";

/// `config show`: the settings `resolved` (by the caller), with their origins if asked.
///
/// The JSON has one shape whatever the flags: each setting a string or null, as Modal's
/// `config show` prints them (the SDK users' scripts and Modal's read the same keys), and
/// `origins`, where each came from (null when unset).
pub fn show(printer: &Printer, resolved: &Resolved, json: bool, with_origin: bool) -> Result<()> {
    let rows = rows(resolved);
    if json {
        let mut object = Map::new();
        let mut origins = Map::new();
        for (key, value) in rows {
            let (value, origin) = match value {
                Some((value, origin)) => (Value::String(value), Value::String(origin.to_string())),
                None => (Value::Null, Value::Null),
            };
            object.insert(key.to_owned(), value);
            origins.insert(key.to_owned(), origin);
        }
        object.insert("origins".to_owned(), Value::Object(origins));
        let text = serde_json::to_string_pretty(&object).expect("plain data serializes");
        printer.data(&text)?;
        return Ok(());
    }
    // Text from the file or the environment: it cannot act on the terminal.
    let cells: Vec<(&str, String, Option<String>)> = rows
        .into_iter()
        .map(|(key, value)| match value {
            Some((value, origin)) => (
                key,
                crate::output::shown(&value).into_owned(),
                Some(crate::output::shown(&origin.to_string()).into_owned()),
            ),
            None => (key, "(not set)".to_owned(), None),
        })
        .collect();
    let key_width = cells.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    let value_width = cells
        .iter()
        .map(|(_, v, _)| v.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = cells
        .into_iter()
        .map(|(key, value, origin)| match origin {
            // Origins line up in a column of their own.
            Some(origin) if with_origin => format!(
                "{key:<key_width$}  {value:<value_width$}  {}",
                printer.data_dim(&format!("({origin})"))
            ),
            _ => format!("{key:<key_width$}  {value}"),
        })
        .collect();
    printer.data(lines.join("\n"))?;
    Ok(())
}

type Row = (&'static str, Option<(String, Origin)>);

fn rows(resolved: &Resolved) -> Vec<Row> {
    let shown = |s: &Option<Sourced<String>>| s.clone().map(|s| (s.value, s.origin));
    vec![
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
    ]
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
