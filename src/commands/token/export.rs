//! `token env`: the token in effect as environment variables, the other door Modal's SDKs read
//! (CI, deployments, secret managers), in the form a shell, a `.env` file or a secret manager
//! takes (`gh secret set --env-file`, `fly secrets import`), as `aws configure
//! export-credentials` does. Nothing but the variables goes to stdout.

use crate::cli::EnvFormat;
use crate::config::DEFAULT_SERVER_URL;
use crate::config::resolve::Resolved;
use crate::env::{MODAL_ENVIRONMENT, MODAL_SERVER_URL, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET};
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::server_url::ServerUrl;

/// `token env` on the settings `resolved` by the caller. `to_terminal`: stdout is a terminal,
/// where the secret is shown only with `reveal`.
pub fn env(
    printer: &Printer,
    resolved: &Resolved,
    format: EnvFormat,
    to_terminal: bool,
    reveal: bool,
) -> Result<()> {
    let (Some(token_id), Some(secret)) = (&resolved.token_id, &resolved.token_secret) else {
        return Err(Error::NoCredentials {
            what: "token",
            hint: format!(
                "profile '{}' holds none: log in with `modal-setup setup`, or write one with `modal-setup token set`",
                crate::text::sanitize(&resolved.profile.value)
            ),
        });
    };
    if to_terminal && !reveal {
        return Err(Error::InvalidArgument {
            what: "output",
            problem: "the token secret would be shown on the terminal".into(),
            hint: "send it where it is used, e.g. `modal-setup token env --format dotenv > .env` or `… | gh secret set --env-file -`; pass --reveal to show it here".into(),
        });
    }
    let mut variables = vec![
        (MODAL_TOKEN_ID, token_id.value.clone()),
        (MODAL_TOKEN_SECRET, secret.value.expose().to_owned()),
    ];
    // A server other than Modal's, in the one form every client reads.
    if resolved.server_url.value != DEFAULT_SERVER_URL {
        let server = ServerUrl::parse(
            &resolved.server_url.value,
            &resolved.server_url.origin.to_string(),
        )?;
        if server.is_list() {
            printer.warn(format_args!(
                "{MODAL_SERVER_URL} is a failover list, which only Modal's Python client can use: the JS and Go SDKs cannot connect with it"
            ));
        }
        variables.push((MODAL_SERVER_URL, server.canonical()));
    }
    if let Some(environment) = &resolved.environment {
        variables.push((MODAL_ENVIRONMENT, environment.value.clone()));
    }
    printer.data(render(format, &variables))
}

fn render(format: EnvFormat, variables: &[(&str, String)]) -> String {
    if format == EnvFormat::Json {
        let object: serde_json::Map<String, serde_json::Value> = variables
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone().into()))
            .collect();
        return serde_json::to_string_pretty(&object).expect("plain data serializes");
    }
    let lines: Vec<String> = variables
        .iter()
        .map(|(name, value)| match format {
            EnvFormat::Sh => format!("export {name}={}", sh_quote(value)),
            EnvFormat::Fish => format!("set -gx {name} {}", fish_quote(value)),
            EnvFormat::Powershell => format!("$Env:{name} = '{}'", value.replace('\'', "''")),
            EnvFormat::Dotenv => format!("{name}={}", dotenv_quote(value)),
            EnvFormat::Json => unreachable!("rendered above"),
        })
        .collect();
    lines.join("\n")
}

/// A POSIX shell word: single quotes, a `'` written as `'\''`.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// A fish word: single quotes, in which only `\` and `'` are escaped.
fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// A .env value: bare when it is plain, else double-quoted with `\` and `"` escaped (the form
/// godotenv, dotenv and docker's --env-file agree on for such values).
fn dotenv_quote(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/,@+".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("\"{}\"", value.replace('\\', r"\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Verbosity;
    use crate::testing::resolved;

    const FILE: &str = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nserver_url = \"http://127.0.0.1:9/\"\nenvironment = \"dev\"\nactive = true\n";

    fn out(format: EnvFormat, file: &str) -> String {
        let printer = Printer::capturing(Verbosity::Normal);
        env(&printer, &resolved(file, &[]), format, false, false).unwrap();
        printer.captured().stdout
    }

    #[test]
    fn each_format_carries_the_pair_the_server_and_the_environment() {
        assert_eq!(
            out(EnvFormat::Sh, FILE),
            "export MODAL_TOKEN_ID='ak-1'\nexport MODAL_TOKEN_SECRET='as-1'\nexport MODAL_SERVER_URL='http://127.0.0.1:9'\nexport MODAL_ENVIRONMENT='dev'\n"
        );
        assert!(out(EnvFormat::Fish, FILE).starts_with("set -gx MODAL_TOKEN_ID 'ak-1'\n"));
        assert!(out(EnvFormat::Powershell, FILE).starts_with("$Env:MODAL_TOKEN_ID = 'ak-1'\n"));
        assert!(
            out(EnvFormat::Dotenv, FILE)
                .starts_with("MODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=as-1\n")
        );
        let json: serde_json::Value = serde_json::from_str(&out(EnvFormat::Json, FILE)).unwrap();
        assert_eq!(json["MODAL_TOKEN_SECRET"], "as-1");
        // Modal's default server is left to the clients' own default.
        let plain = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n";
        assert_eq!(
            out(EnvFormat::Dotenv, plain),
            "MODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=as-1\n"
        );
    }

    #[test]
    fn values_are_quoted_for_each_shell() {
        let value = "a'b\\c \"d $e";
        assert_eq!(sh_quote(value), r#"'a'\''b\c "d $e'"#);
        assert_eq!(fish_quote(value), r#"'a\'b\\c "d $e'"#);
        assert_eq!(dotenv_quote(value), r#""a'b\\c \"d $e""#);
        assert_eq!(dotenv_quote("as-AbC_1"), "as-AbC_1");
    }

    #[test]
    fn a_terminal_gets_the_secret_only_when_asked() {
        let printer = Printer::capturing(Verbosity::Normal);
        let error = env(&printer, &resolved(FILE, &[]), EnvFormat::Sh, true, false).unwrap_err();
        assert!(
            error.to_string().contains("would be shown on the terminal"),
            "{error}"
        );
        assert!(printer.captured().stdout.is_empty());
        env(&printer, &resolved(FILE, &[]), EnvFormat::Sh, true, true).unwrap();
        assert!(printer.captured().stdout.contains("as-1"));
        let none = env(
            &printer,
            &resolved("[a]\n", &[]),
            EnvFormat::Sh,
            false,
            false,
        );
        assert!(matches!(none, Err(Error::NoCredentials { .. })), "{none:?}");
    }
}
