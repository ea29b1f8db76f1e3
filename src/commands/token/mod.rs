//! `token set` (write a token id and secret into a profile, for scripts and CI) and what the
//! other commands that write tokens share with it: saving, reporting, revoking the old token.

mod export;
pub mod format;
mod info;

pub use export::{Sink, env};
pub use info::{View, info};
pub(crate) use info::{ask, ask_oauth, oauth_in_effect};

use format::{validate_token_id, validate_token_secret};

use std::io::{BufRead, IsTerminal};

use super::setup::Login;
use super::writer::{NewToken, Writer, verify_and_name};
use super::{Context, Load, with_writer};
use crate::api::Credentials;
use crate::cli::{EnvFormat, TokenCommand};
use crate::config::DEFAULT_PROFILE;
use crate::config::edit::validate_new_profile_name;
use crate::config::resolve::{self, Sourced};
use crate::env::GITHUB_ENV;
use crate::error::{Error, Result};
use crate::prompt;
use crate::secret::Secret;

/// The `token` commands, from their flags.
pub fn exec(ctx: &Context, command: TokenCommand) -> Result<()> {
    let connect = |url: &Sourced<String>| ctx.connect(url);
    match command {
        TokenCommand::New(args) => super::setup::exec(ctx, Login::of(args, "")),
        TokenCommand::Rotate(args) => super::setup::exec_rotate(ctx, args),
        TokenCommand::Info { json, no_verify } => {
            let (path, _, config) = ctx.load(Load::Read)?;
            let resolved = ctx.resolve(&config, path);
            info(
                &ctx.printer,
                &resolved,
                json,
                (!no_verify).then_some(&connect),
            )
        }
        TokenCommand::Env {
            format,
            output,
            reveal,
        } => {
            let (path, _, config) = ctx.load(Load::Read)?;
            let resolved = ctx.resolve(&config, path);
            let format = format.unwrap_or_else(EnvFormat::native);
            let sink = match (format, output) {
                (EnvFormat::Github, Some(_)) => {
                    return Err(Error::InvalidArgument {
                        what: "output",
                        problem: "--format github writes to $GITHUB_ENV, not to a file".into(),
                        hint: "leave out --output, or choose another --format".into(),
                    });
                }
                (EnvFormat::Github, None) => {
                    Sink::Github(ctx.env.get_os(GITHUB_ENV).map(Into::into))
                }
                (_, Some(path)) => Sink::File(path),
                (_, None) => Sink::Stdout {
                    to_terminal: std::io::stdout().is_terminal(),
                    reveal,
                },
            };
            env(&ctx.printer, &resolved, format, sink)
        }
        TokenCommand::Set(args) => {
            let secret = args.secret.map(SecretInput::from_flag);
            let credentials = read_credentials(&ctx.printer, ctx.interactive, args.id, secret)?;
            let (_, store) = ctx.open(Load::Edit)?;
            let args = SetArgs {
                activate: !args.activate.no_activate,
                verify: !args.verify.no_verify,
                delete_existing: args.delete_existing,
            };
            with_writer(ctx, &store, |w| {
                set(w, &credentials, ctx.chosen_profile(), &args)
            })
        }
    }
}

/// `status` and `whoami`, on the settings in effect.
pub fn status(ctx: &Context, view: View) -> Result<()> {
    let (path, _, config) = ctx.load(Load::Read)?;
    let resolved = ctx.resolve(&config, path);
    let readings = crate::config::clients::read_all(&config, &ctx.env, &resolved.profile.value);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let connect = |url: &Sourced<String>| ctx.connect(url);
    info::status(&ctx.printer, &resolved, &readings, view, &connect, now)
}

/// Where a person makes a token by hand.
const TOKENS_PAGE: &str = "https://modal.com/settings/tokens";

/// Where the secret comes from.
#[derive(Debug)]
pub enum SecretInput {
    Value(Secret),
    /// `--secret -`: one line of stdin.
    Stdin,
}

impl SecretInput {
    pub fn from_flag(value: String) -> Self {
        if value == "-" {
            Self::Stdin
        } else {
            Self::Value(Secret::new(value))
        }
    }
}

#[derive(Debug)]
pub struct SetArgs {
    pub activate: bool,
    pub verify: bool,
    /// Revoke the token the profile held before, once the new one is written.
    pub delete_existing: bool,
}

/// The id and secret of `token set`, from the flags, stdin or the terminal, and checked.
pub fn read_credentials(
    printer: &crate::output::Printer,
    interactive: bool,
    token_id: Option<String>,
    token_secret: Option<SecretInput>,
) -> Result<Credentials> {
    let id_on_command_line = token_id.is_some();
    let secret_on_command_line = matches!(token_secret, Some(SecretInput::Value(_)));
    let token_id = match token_id {
        Some(id) => id,
        None if interactive => {
            printer.status(format_args!(
                "A token is made on the tokens page of the Modal dashboard ({TOKENS_PAGE}), or by `modal-setup setup` through the browser."
            ));
            prompt::text("Token ID (ak-…)")?
        }
        None => {
            return Err(Error::MissingInput {
                what: "token id",
                hint: "pass --id ak-… (stdin is not a terminal, so it cannot be asked for)".into(),
            });
        }
    };
    let token_id =
        validate_token_id(&token_id).map_err(|e| e.on_command_line(id_on_command_line))?;
    let token_secret = match token_secret {
        Some(SecretInput::Value(secret)) => secret,
        Some(SecretInput::Stdin) if interactive => prompt::secret("Token secret (as-…, hidden)")?,
        // A terminal on stdin but not on stderr: no prompt, but never an echo either.
        Some(SecretInput::Stdin) if std::io::stdin().is_terminal() => {
            prompt::hidden_line_from_terminal()?
        }
        Some(SecretInput::Stdin) => read_secret_line(std::io::stdin().lock())?,
        None if interactive => prompt::secret("Token secret (as-…, hidden)")?,
        None => {
            return Err(Error::MissingInput {
                what: "token secret",
                hint: "pass --secret - and write the secret to stdin (it then stays off the command line)".into(),
            });
        }
    };
    let token_secret = validate_token_secret(&token_secret)
        .map_err(|e| e.on_command_line(secret_on_command_line))?;
    Ok(Credentials::new(token_id, token_secret))
}

/// `token set`: writes `credentials` into the `chosen` profile (`--profile`, MODAL_PROFILE),
/// else into the profile named after the token's workspace when verifying, else `default`.
pub fn set(
    w: &Writer<'_>,
    credentials: &Credentials,
    chosen: Option<Sourced<String>>,
    args: &SetArgs,
) -> Result<()> {
    let profile_on_command_line = chosen.as_ref().is_some_and(|p| p.origin.is_flag());
    // Offline, the file is read once, under the lock, and without a chosen profile the token
    // goes to `default` (1.6.4 asks the server for the workspace even then). Verifying reads
    // it first (for the server URL) and again under the lock, since a network call must not
    // hold the lock.
    let (profile, verified_against) = if args.verify {
        let config = w.store.load()?;
        if let Some(profile) = &chosen
            && !config.contains(&profile.value)
        {
            validate_new_profile_name(&profile.value)
                .map_err(|e| e.on_command_line(profile.origin.is_flag()))?;
        }
        let server_url =
            resolve::server_url_for(&config, w.env, chosen.as_ref().map(|p| p.value.as_str()));
        let api = (w.connect)(&server_url)?;
        // As 1.6.4: without a chosen profile, it is named after the token's workspace.
        let named = verify_and_name(
            w.printer,
            api.as_ref(),
            credentials,
            true,
            chosen.is_none(),
            None,
        )
        .map_err(Error::skippable)?;
        let profile = match (chosen, named) {
            (Some(chosen), _) => chosen.value,
            (None, named) => named.expect("asked for"),
        };
        (profile, Some(server_url))
    } else {
        let profile = chosen.map_or_else(|| DEFAULT_PROFILE.to_owned(), |p| p.value);
        (profile, None)
    };
    let token = NewToken {
        profile: &profile,
        credentials,
        server_url: verified_against.as_ref(),
    };
    let saved = w
        .save(&token, args.activate)
        .map_err(|e| e.on_command_line(profile_on_command_line))?;
    if args.delete_existing {
        w.revoke_replaced(&token, &saved)?;
    }
    Ok(())
}

/// The most bytes `--secret -` reads: a token secret is a short line, and `< /dev/zero` must
/// not fill the memory.
const MAX_SECRET_LINE: u64 = 4096;

fn read_secret_line(input: impl BufRead) -> Result<Secret> {
    let mut line = String::new();
    input
        .take(MAX_SECRET_LINE + 1)
        .read_line(&mut line)
        .map_err(|e| Error::io("read the secret from", "stdin", e))?;
    if line.len() as u64 > MAX_SECRET_LINE {
        return Err(Error::InvalidInput {
            what: "token secret",
            problem: format!("the first line of stdin is longer than {MAX_SECRET_LINE} bytes"),
            hint: "--secret - reads one line holding the secret (as-…); pipe only that line in"
                .into(),
        });
    }
    if line.is_empty() {
        return Err(Error::MissingInput {
            what: "token secret",
            hint: "--secret - reads one line from stdin, which was empty".into(),
        });
    }
    Ok(Secret::new(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_from_stdin_is_one_line() {
        let secret = read_secret_line("as-abc\nas-second\n".as_bytes()).unwrap();
        assert_eq!(secret.expose(), "as-abc\n");
        assert!(read_secret_line("".as_bytes()).is_err());
    }
}

/// The write path in process, on plain values: a file in a temp dir, an environment, a
/// printer that keeps what it is given, and servers that are functions.
#[cfg(test)]
mod writer_tests {
    use super::*;
    use crate::api::{Api, Server};
    use crate::config::resolve::Sourced;
    use crate::env::{Env, MODAL_TOKEN_ID};
    use crate::testing::TempConfig;

    const FILE: &str =
        "# mine\n[a]\ntoken_id = \"ak-old\"\ntoken_secret = \"as-old\"\nactive = true\n";

    /// A client for a loopback port nothing listens on any more, whatever server was asked
    /// for.
    fn unreachable(_: &Sourced<String>) -> Result<Box<dyn Server>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let server = crate::api::ServerUrl::parse(&format!("http://127.0.0.1:{port}"), "test")?;
        Ok(Box::new(Api::new(server, crate::api::Settings::default())?))
    }

    fn never(_: &Sourced<String>) -> Result<Box<dyn Server>> {
        panic!("no server may be asked")
    }

    struct Fixture {
        file: TempConfig,
        env: Env,
    }

    impl Fixture {
        fn new(env: &[(&str, &str)]) -> Self {
            Self {
                file: TempConfig::new(FILE),
                env: Env::from_pairs(env.iter().copied()),
            }
        }

        fn writer<'a>(&'a self, connect: crate::commands::Connect<'a>) -> Writer<'a> {
            Writer {
                printer: &self.file.printer,
                store: &self.file.store,
                env: &self.env,
                connect,
                interactive: false,
            }
        }

        fn text(&self) -> String {
            self.file.text()
        }
    }

    fn credentials(id: &str) -> Credentials {
        Credentials::new(id, Secret::new(id.replace("ak-", "as-")))
    }

    fn args(verify: bool, delete_existing: bool) -> SetArgs {
        SetArgs {
            activate: false,
            verify,
            delete_existing,
        }
    }

    fn chosen(name: &str) -> Option<Sourced<String>> {
        Some(Sourced::new(
            name.to_owned(),
            resolve::Origin::Flag("--profile"),
        ))
    }

    #[test]
    fn offline_writes_say_what_the_file_says_and_warn_about_the_environment() {
        let f = Fixture::new(&[(MODAL_TOKEN_ID, "ak-env")]);
        set(
            &f.writer(&never),
            &credentials("ak-new"),
            chosen("b"),
            &args(false, false),
        )
        .unwrap();
        assert!(f.text().starts_with(FILE));
        assert!(
            f.text()
                .ends_with("[b]\ntoken_id = \"ak-new\"\ntoken_secret = \"as-new\"\n")
        );
        let stderr = f.file.out().stderr;
        assert!(
            stderr.contains("warning: MODAL_TOKEN_ID is set in the environment"),
            "{stderr}"
        );
        assert!(stderr.ends_with("in profile 'b'; it is not active (use it with `--profile b` or `modal-setup profile activate b`)\n"), "{stderr}");
    }

    #[test]
    fn a_server_that_cannot_be_reached_writes_nothing_and_suggests_no_verify() {
        let f = Fixture::new(&[]);
        let error = set(
            &f.writer(&unreachable),
            &credentials("ak-new"),
            chosen("b"),
            &args(true, false),
        )
        .unwrap_err();
        assert!(
            error
                .hint()
                .unwrap()
                .ends_with("or pass --no-verify to write the token without checking it"),
            "{error:?}"
        );
        assert_eq!(f.text(), FILE);
    }

    #[test]
    fn a_failed_revoke_keeps_the_new_token_and_the_same_token_is_never_revoked() {
        let f = Fixture::new(&[]);
        let error = set(
            &f.writer(&unreachable),
            &credentials("ak-new"),
            chosen("a"),
            &args(false, true),
        )
        .unwrap_err();
        assert!(
            matches!(&error, Error::RevokeFailed { token_id, kept: true, .. } if token_id == "ak-old"),
            "{error:?}"
        );
        assert!(f.text().contains("token_id = \"ak-new\""));
        // Writing the same token again: nothing to revoke, and no server is asked.
        set(
            &f.writer(&never),
            &credentials("ak-new"),
            chosen("a"),
            &args(false, true),
        )
        .unwrap();
        let stderr = f.file.out().stderr;
        assert!(
            stderr.contains("note: profile 'a' held no other token, so there is nothing to revoke"),
            "{stderr}"
        );
    }
}
