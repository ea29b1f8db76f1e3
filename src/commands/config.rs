//! `config show` and `config path`: the settings in effect and where each came from.

use serde_json::{Map, Value, json};

use std::path::PathBuf;

use crate::config::resolve::{Origin, Resolved, Sourced};
use crate::error::Result;
use crate::output::Printer;

/// How the secret is shown, as Modal's `config show` does.
const REDACTED: &str = "***";

/// `config show`: the settings `resolved` (by the caller), with their origins if asked.
pub fn show(printer: &Printer, resolved: &Resolved, json: bool, with_origin: bool) -> Result<()> {
    let rows = rows(resolved);
    if json {
        let object: Map<String, Value> = rows
            .into_iter()
            .map(|(key, value)| {
                let shown = match (value, with_origin) {
                    (Some((value, origin)), true) => {
                        json!({ "value": value, "origin": origin.to_string() })
                    }
                    (Some((value, _)), false) => Value::String(value),
                    (None, true) => json!({ "value": null, "origin": null }),
                    (None, false) => Value::Null,
                };
                (key.to_owned(), shown)
            })
            .collect();
        let text = serde_json::to_string_pretty(&object).expect("plain data serializes");
        printer.data(&text)?;
        return Ok(());
    }
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in rows {
        let (shown, origin) = match value {
            Some((value, origin)) => (value, Some(origin)),
            None => ("(not set)".to_owned(), None),
        };
        // Text from the file or the environment: it cannot act on the terminal.
        out.push_str(&format!("{key:<width$}  {}", crate::output::shown(&shown)));
        if let (true, Some(origin)) = (with_origin, origin) {
            let origin = origin.to_string();
            out.push_str(&printer.data_dim(&format!("  ({})", crate::output::shown(&origin))));
        }
        out.push('\n');
    }
    out.pop();
    printer.data(&out)?;
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
        assert!(
            out.contains("token_secret  ***  (profile 'a' in /home/u/.modal.toml)"),
            "{out}"
        );
        assert!(
            out.contains("environment   prod  (MODAL_ENVIRONMENT environment variable)"),
            "{out}"
        );
        assert!(out.contains("\"token_secret\": \"***\""), "{out}");
        assert!(!out.contains("as-1"));
    }
}
