//! `config show` and `config path`: the settings in effect and where each came from.

use serde_json::{Map, Value, json};

use super::Context;
use crate::config::resolve::{Origin, Resolved, Sourced};
use crate::error::Result;

/// How the secret is shown, as Modal's `config show` does.
const REDACTED: &str = "***";

pub fn show(ctx: &Context, json: bool, with_origin: bool) -> Result<()> {
    let (path, _, config) = ctx.load()?;
    let resolved = ctx.resolve(&config, path);
    let rows = rows(&resolved);
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
        ctx.printer.data(&text)?;
        return Ok(());
    }
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in rows {
        let (shown, origin) = match value {
            Some((value, origin)) => (value, Some(origin)),
            None => ("(not set)".to_owned(), None),
        };
        out.push_str(&format!("{key:<width$}  {shown}"));
        if let (true, Some(origin)) = (with_origin, origin) {
            out.push_str(&ctx.printer.data_dim(&format!("  ({origin})")));
        }
        out.push('\n');
    }
    out.pop();
    ctx.printer.data(&out)?;
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

/// Prints the path without reading the file, so that it works whatever the file holds.
pub fn path(ctx: &Context) -> Result<()> {
    let path = ctx.config_path()?;
    ctx.printer
        .debug(format_args!("chosen by the {}", path.origin));
    ctx.printer.data(path.value.display().to_string())?;
    Ok(())
}
