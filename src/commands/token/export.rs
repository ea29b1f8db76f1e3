//! `token env`: the token in effect as environment variables, the other door Modal's SDKs read
//! (CI, deployments, secret managers), in the form a shell, a `.env` file or a secret manager
//! takes (`gh secret set --env-file`, `fly secrets import`), as `aws configure
//! export-credentials` does. Nothing but the variables goes to stdout.

use crate::cli::EnvFormat;
use crate::config::DEFAULT_SERVER_URL;
use crate::config::resolve::Resolved;
use std::path::PathBuf;

use crate::env::{
    GITHUB_ENV, MODAL_ENVIRONMENT, MODAL_SERVER_URL, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET,
};
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::server_url::ServerUrl;

/// Where `token env` sends the variables.
#[derive(Debug)]
pub enum Sink {
    /// stdout; when it is a terminal the secret is shown only with `reveal`.
    Stdout { to_terminal: bool, reveal: bool },
    /// `--output FILE`: created or replaced atomically, private from the start (0600).
    File(PathBuf),
    /// `--format github`: appended to the file $GITHUB_ENV names, the secret masked with
    /// `::add-mask::` on stdout (Actions reads workflow commands there); `None` outside Actions.
    Github(Option<PathBuf>),
}

/// `token env` on the settings `resolved` by the caller.
pub fn env(printer: &Printer, resolved: &Resolved, format: EnvFormat, sink: Sink) -> Result<()> {
    let (Some(token_id), Some(secret)) = (&resolved.token_id, &resolved.token_secret) else {
        return Err(Error::NoCredentials {
            what: "token",
            hint: format!(
                "profile '{}' holds none: log in with `modal-setup setup`, or write one with `modal-setup token set`",
                crate::text::sanitize(&resolved.profile.value)
            ),
        });
    };
    if let Sink::Stdout {
        to_terminal: true,
        reveal: false,
    } = sink
    {
        return Err(Error::InvalidArgument {
            what: "output",
            problem: "the token secret would be shown on the terminal".into(),
            hint: "send it where it is used, e.g. `modal-setup token env --format dotenv --output .env` or `… | gh secret set --env-file -`; pass --reveal to show it here".into(),
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
    let lines = render(format, &variables);
    match sink {
        Sink::Stdout { .. } => printer.data(lines),
        Sink::File(path) => {
            crate::config::store::write_private(&path, format!("{lines}\n").as_bytes())?;
            crate::commands::git::warn_if_committable(printer, &path);
            printer.success(format_args!(
                "Wrote {} to {} (readable by you alone)",
                names(&variables),
                path.display()
            ));
            Ok(())
        }
        Sink::Github(None) => Err(Error::InvalidArgument {
            what: "format",
            problem: format!("{GITHUB_ENV} is not set, so this is not a GitHub Actions step"),
            hint: "run it in a step of a GitHub Actions job, or choose another --format (dotenv for `gh secret set --env-file -`)".into(),
        }),
        Sink::Github(Some(_)) if variables.iter().any(|(_, v)| v.contains(['\n', '\r'])) => {
            // A line break would start another variable of the caller's choosing.
            Err(Error::InvalidInput {
                what: "value",
                problem: format!("a value of {} holds a line break", names(&variables)),
                hint: "fix the profile's values (`modal-setup config show`)".into(),
            })
        }
        Sink::Github(Some(path)) => {
            printer.data(format!("::add-mask::{}", secret.value.expose()))?;
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&path)
                .and_then(|mut file| std::io::Write::write_all(&mut file, format!("{lines}\n").as_bytes()))
                .map_err(|e| Error::io("append to", &path, e))?;
            printer.success(format_args!(
                "Added {} to {GITHUB_ENV} for the steps after this one; the secret is masked in the logs",
                names(&variables)
            ));
            Ok(())
        }
    }
}

fn names(variables: &[(&str, String)]) -> String {
    let names: Vec<&str> = variables.iter().map(|(name, _)| *name).collect();
    names.join(", ")
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
            // Values are single lines (a newline is refused in every one of them).
            EnvFormat::Github => format!("{name}={value}"),
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
        env(
            &printer,
            &resolved(file, &[]),
            format,
            Sink::Stdout {
                to_terminal: false,
                reveal: false,
            },
        )
        .unwrap();
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
        let error = env(
            &printer,
            &resolved(FILE, &[]),
            EnvFormat::Sh,
            Sink::Stdout {
                to_terminal: true,
                reveal: false,
            },
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("would be shown on the terminal"),
            "{error}"
        );
        assert!(printer.captured().stdout.is_empty());
        env(
            &printer,
            &resolved(FILE, &[]),
            EnvFormat::Sh,
            Sink::Stdout {
                to_terminal: true,
                reveal: true,
            },
        )
        .unwrap();
        assert!(printer.captured().stdout.contains("as-1"));
        let none = env(
            &printer,
            &resolved("[a]\n", &[]),
            EnvFormat::Sh,
            Sink::Stdout {
                to_terminal: false,
                reveal: false,
            },
        );
        assert!(matches!(none, Err(Error::NoCredentials { .. })), "{none:?}");
    }

    #[test]
    fn github_appends_to_github_env_and_masks_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let github_env = dir.path().join("github_env");
        std::fs::write(&github_env, "EARLIER=1\n").unwrap();
        let printer = Printer::capturing(Verbosity::Normal);
        let sink = Sink::Github(Some(github_env.clone()));
        env(&printer, &resolved(FILE, &[]), EnvFormat::Github, sink).unwrap();
        assert_eq!(printer.captured().stdout, "::add-mask::as-1\n");
        assert_eq!(
            std::fs::read_to_string(&github_env).unwrap(),
            "EARLIER=1\nMODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=as-1\nMODAL_SERVER_URL=http://127.0.0.1:9\nMODAL_ENVIRONMENT=dev\n"
        );
        // Outside Actions: a clear error, nothing printed.
        let printer = Printer::capturing(Verbosity::Normal);
        let error = env(
            &printer,
            &resolved(FILE, &[]),
            EnvFormat::Github,
            Sink::Github(None),
        );
        let error = error.unwrap_err().to_string();
        assert!(error.contains("GITHUB_ENV is not set"), "{error}");
        assert!(printer.captured().stdout.is_empty());
        // A line break in a value would set a variable of the file's choosing: refused.
        let injected = FILE.replace("\"dev\"", "\"dev\\nNODE_OPTIONS=--require=/tmp/x\"");
        let sink = Sink::Github(Some(github_env.clone()));
        let before = std::fs::read_to_string(&github_env).unwrap();
        assert!(env(&printer, &resolved(&injected, &[]), EnvFormat::Github, sink).is_err());
        assert_eq!(std::fs::read_to_string(&github_env).unwrap(), before);
    }
}
