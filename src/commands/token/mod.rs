//! `token set` (write a token id and secret into a profile, for scripts and CI) and what the
//! other commands that write tokens share with it: saving, reporting, revoking the old token.

mod export;
mod info;

pub use export::env;
pub use info::{AskServer, info};

use std::fmt;
use std::io::{BufRead, IsTerminal};

use crate::api::{Api, Credentials};
use crate::config::edit::{Settled, TokenChange, validate_new_profile_name};
use crate::config::resolve::{self, Sourced};
use crate::config::store::{Store, Written};
use crate::config::{DEFAULT_PROFILE, DEFAULT_SERVER_URL};
use crate::env::{Env, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET};
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::prompt;
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use crate::token_format::{MAX_TOKEN_LEN, is_token_id, is_token_secret};

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

/// What writing a token needs besides the token, resolved by the caller: the file, the
/// environment (the server URL, the variables that override the file), a way to reach a
/// server, and the printer. `setup`, `token new`, `token rotate` and `token set` all write
/// through it.
pub struct Writer<'a> {
    pub printer: &'a Printer,
    pub store: &'a Store,
    pub env: &'a Env,
    pub connect: &'a dyn Fn(&Sourced<String>) -> Result<Api>,
}

impl fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("store", &self.store.path())
            .finish_non_exhaustive()
    }
}

/// The id and secret of `token set`, from the flags, stdin or the terminal, and checked.
pub fn read_credentials(
    interactive: bool,
    token_id: Option<String>,
    token_secret: Option<SecretInput>,
) -> Result<Credentials> {
    let id_on_command_line = token_id.is_some();
    let secret_on_command_line = matches!(token_secret, Some(SecretInput::Value(_)));
    let token_id = match token_id {
        Some(id) => id,
        None if interactive => prompt::text("Token ID")?,
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
        Some(SecretInput::Stdin) if interactive => prompt::secret("Token secret")?,
        // A terminal on stdin but not on stderr: no prompt, but never an echo either.
        Some(SecretInput::Stdin) if std::io::stdin().is_terminal() => {
            prompt::hidden_line_from_terminal()?
        }
        Some(SecretInput::Stdin) => read_secret_line(std::io::stdin().lock())?,
        None if interactive => prompt::secret("Token secret")?,
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
        let named = verify_and_name(w.printer, &api, credentials, true, chosen.is_none(), None)
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

/// Verifies a token (ClientHello) and, when `name_it`, names its profile after its workspace
/// (WorkspaceNameLookup's `username`, else `fallback`, the login's `workspace_username`, else
/// `default`), as 1.6.4 does. Both calls go out together on one connection: one round trip,
/// where Modal's client waits for the first before the second. `verify: false` makes only the
/// lookup. A failed lookup is an error only when there is no fallback.
pub fn verify_and_name(
    printer: &Printer,
    api: &Api,
    credentials: &Credentials,
    verify: bool,
    name_it: bool,
    fallback: Option<String>,
) -> Result<Option<String>> {
    if verify {
        printer.status(format_args!(
            "Verifying token against {}",
            api.dialled_url()
        ));
    }
    let (hello, looked_up) = match (verify, name_it) {
        (true, true) => {
            let (hello, username) = api.hello_and_username(credentials);
            (hello, Some(username))
        }
        (true, false) => (api.hello(credentials), None),
        (false, true) => (Ok(()), Some(api.username(credentials))),
        (false, false) => return Ok(None),
    };
    hello?;
    if verify {
        printer.success("Token verified successfully!");
    }
    let Some(looked_up) = looked_up else {
        return Ok(None);
    };
    let looked_up = match looked_up {
        Ok(name) if !name.is_empty() => Some(name),
        Ok(_) => None,
        Err(error) if fallback.is_none() => return Err(error),
        Err(error) => {
            printer.debug(format_args!("WorkspaceNameLookup failed: {error}"));
            None
        }
    };
    match looked_up.or(fallback) {
        Some(name) => profile_from_server(name).map(Some),
        None => Ok(Some(DEFAULT_PROFILE.to_owned())),
    }
}

/// A profile name that comes from the server: used only if it is a name a user could type,
/// so that a server can never put TOML (or anything odd) into the file.
pub fn profile_from_server(name: String) -> Result<String> {
    validate_new_profile_name(&name).map_err(|_| Error::InvalidInput {
        what: "profile name from the server",
        problem: format!(
            "the workspace name '{}' is not a valid profile name",
            crate::output::sanitize(&name)
        ),
        hint: "nothing was written; run the command again with --profile NAME".into(),
    })?;
    Ok(name)
}

/// A token about to be written.
#[derive(Debug)]
pub struct NewToken<'a> {
    pub profile: &'a str,
    pub credentials: &'a Credentials,
    /// The server the token was checked against; `None`: the profile's in the file (read
    /// under the lock), else MODAL_SERVER_URL or the default.
    pub server_url: Option<&'a Sourced<String>>,
}

/// What [`save`] did.
#[derive(Debug)]
pub struct Saved {
    /// The different token the profile held before, with its secret.
    pub replaced: Option<Credentials>,
    /// The server the token belongs to.
    pub server_url: Sourced<String>,
}

impl Writer<'_> {
    /// Writes a token into `profile` under the lock, activates the profile when asked to (the
    /// store settles which one is active otherwise), and reports what was done.
    pub fn save(&self, token: &NewToken<'_>, activate: bool) -> Result<Saved> {
        let mut server_url = token.server_url.cloned();
        let mut failover_list = false;
        let written = self.store.update(|config| {
            if !config.contains(token.profile) {
                validate_new_profile_name(token.profile)?;
            }
            let server = server_url.get_or_insert_with(|| {
                resolve::server_url_for(config, self.env, Some(token.profile))
            });
            let to_write = server_url_to_write(server)?;
            failover_list = to_write.as_ref().is_some_and(ServerUrl::is_list);
            let change = config.set_token(
                token.profile,
                &token.credentials.token_id,
                &token.credentials.token_secret,
                to_write.as_ref().map(ServerUrl::canonical).as_deref(),
            )?;
            if activate {
                config.activate(token.profile)?;
            }
            // What the file says now, whether or not this write made it so.
            let active = config.active_profiles().contains(&token.profile);
            Ok((change, active))
        })?;
        // Without --activate, the store's rule may still make it the active one (no profile
        // was, and it is the only one holding a token).
        let mut written = written;
        written.value.1 |= written.settled == Settled::Activated(token.profile.to_owned());
        super::report_write(self.printer, &written);
        self.report_written(token.profile, &written);
        if failover_list {
            self.printer.warn(format_args!(
                "profile '{}' now holds a failover list as server_url, which only Modal's Python client can use: the JS and Go SDKs cannot connect with it",
                token.profile
            ));
        }
        let replaced = match &written.value.0 {
            TokenChange::Replaced {
                previous_token_id: Some(previous),
                previous_token_secret: Some(secret),
            } if *previous != token.credentials.token_id => {
                Some(Credentials::new(previous.clone(), secret.clone()))
            }
            _ => None,
        };
        Ok(Saved {
            replaced,
            server_url: server_url.expect("set by the edit"),
        })
    }

    /// Revokes the token a new one replaced (`--delete-existing`, `token rotate`): TokenDelete
    /// authenticated as the old token itself, as 1.6.4 does. The new token is already written and
    /// stays whatever happens here; the token just written is never revoked.
    pub fn revoke_replaced(&self, token: &NewToken<'_>, saved: &Saved) -> Result<()> {
        let Some(previous) = &saved.replaced else {
            self.printer.note(format_args!(
                "profile '{}' held no other token, so there is nothing to revoke",
                token.profile
            ));
            return Ok(());
        };
        let revoked = (self.connect)(&saved.server_url)
            .and_then(|api| api.delete_token(previous, &previous.token_id));
        match revoked {
            Ok(()) => {}
            // A token the server rejects is unusable already: nothing is left to revoke.
            Err(Error::Rejected {
                permission: false, ..
            }) => {
                self.printer.note(format_args!(
                    "the server no longer accepts the previous token {}, so it needs no revoking",
                    previous.token_id
                ));
                return Ok(());
            }
            Err(cause) => {
                return Err(Error::RevokeFailed {
                    token_id: previous.token_id.clone(),
                    cause: Box::new(cause),
                    kept: true,
                });
            }
        }
        self.printer.success(format_args!(
            "Revoked the previous token {} of profile '{}'",
            previous.token_id, token.profile
        ));
        Ok(())
    }
}

/// The `server_url` a token's profile gets: nothing for Modal's default (as Modal writes it),
/// else the URL in the one form every Modal client reads ([`ServerUrl::canonical`]). A value
/// that cannot be put in that form is refused, and nothing is written.
fn server_url_to_write(server: &Sourced<String>) -> Result<Option<ServerUrl>> {
    if server.value == DEFAULT_SERVER_URL {
        return Ok(None);
    }
    ServerUrl::parse(&server.value, &server.origin.to_string()).map(Some)
}

/// A token minted by a login, checked before anything is done with it: a server can send
/// anything, but only an `ak-`/`as-` pair is ever verified or written.
pub fn check_minted(credentials: Credentials) -> Result<Credentials> {
    let shaped =
        is_token_id(&credentials.token_id) && is_token_secret(credentials.token_secret.expose());
    if shaped {
        return Ok(credentials);
    }
    Err(Error::FlowFailed {
        reason: "the server sent a token that is not an ak-/as- pair; nothing was written".into(),
    })
}

impl Writer<'_> {
    /// Reports a written token; the last line is `Token written to PATH in profile NAME` and
    /// whether it is active.
    fn report_written(&self, profile: &str, written: &Written<(TokenChange, bool)>) {
        let printer = self.printer;
        let path = self.store.path();
        let (change, activated) = &written.value;
        if let TokenChange::Replaced {
            previous_token_id: Some(previous),
            ..
        } = change
        {
            printer.note(format_args!(
                "replaced token {previous} in profile '{profile}'"
            ));
        }
        for var in [MODAL_TOKEN_ID, MODAL_TOKEN_SECRET] {
            if self.env.get(var).is_some() {
                printer.warn(format_args!(
                "{var} is set in the environment and overrides the token in the file; unset it to use the file"
            ));
            }
        }
        let state = if *activated {
            "it is the active profile".to_owned()
        } else {
            format!(
                "it is not active (use it with `--profile {profile}` or `modal-setup profile activate {profile}`)"
            )
        };
        let verb = if *change == TokenChange::Unchanged {
            "Token already in"
        } else {
            "Token written to"
        };
        printer.success(format_args!(
            "{verb} {} in profile {profile}; {state}",
            path.display()
        ));
    }
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

/// `ak-` then letters and digits, surrounding whitespace trimmed.
pub fn validate_token_id(raw: &str) -> Result<String> {
    let id = raw.trim();
    if is_token_id(id) {
        return Ok(id.to_owned());
    }
    Err(Error::InvalidInput {
        what: "token id",
        problem: if id.is_empty() {
            "it is empty".into()
        } else if id.starts_with("as-") {
            // Never echo it: it is probably the secret, passed in the wrong place.
            "it looks like a token secret (as-…); were --id and --secret swapped?".into()
        } else {
            format!(
                "'{}' does not look like ak- followed by letters and digits (at most {MAX_TOKEN_LEN} in all)",
                truncate(id)
            )
        },
        hint: "copy the token id (ak-…) from the Modal dashboard, or run `modal-setup setup`"
            .into(),
    })
}

/// `as-` then letters and digits, surrounding whitespace trimmed. The value is never shown.
pub fn validate_token_secret(raw: &Secret) -> Result<Secret> {
    let secret = raw.expose().trim();
    if is_token_secret(secret) {
        return Ok(Secret::new(secret));
    }
    Err(Error::InvalidInput {
        what: "token secret",
        problem: if secret.is_empty() {
            "it is empty".into()
        } else {
            format!(
                "it does not look like as- followed by letters and digits, at most {MAX_TOKEN_LEN} in all (the value is not shown)"
            )
        },
        hint: "copy the token secret (as-…) from the Modal dashboard, or run `modal-setup setup`"
            .into(),
    })
}

fn truncate(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_formats() {
        assert_eq!(validate_token_id("  ak-Abc123\n").unwrap(), "ak-Abc123");
        for bad in [
            "",
            "ak-",
            "as-abc",
            "ak-abc-def",
            "ak-ab c",
            "AK-abc",
            "ak-é",
        ] {
            assert!(validate_token_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            validate_token_secret(&Secret::new(" as-XYZ9 "))
                .unwrap()
                .expose(),
            "as-XYZ9"
        );
        for bad in ["", "as-", "ak-abc", "as-abc_def"] {
            assert!(validate_token_secret(&Secret::new(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn invalid_secret_error_never_shows_the_value() {
        let error = validate_token_secret(&Secret::new("as-abc_SECRETPART")).unwrap_err();
        let shown = format!("{error} {error:?} {}", error.hint().unwrap_or_default());
        assert!(!shown.contains("SECRETPART"), "{shown}");
    }

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
    use crate::testing::TempConfig;

    const FILE: &str =
        "# mine\n[a]\ntoken_id = \"ak-old\"\ntoken_secret = \"as-old\"\nactive = true\n";

    /// A client for a loopback port nothing listens on any more, whatever server was asked
    /// for.
    fn unreachable(_: &Sourced<String>) -> Result<Api> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let server = crate::api::ServerUrl::parse(&format!("http://127.0.0.1:{port}"), "test")?;
        Api::new(server, crate::api::Settings::default())
    }

    fn never(_: &Sourced<String>) -> Result<Api> {
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

        fn writer<'a>(
            &'a self,
            connect: &'a dyn Fn(&Sourced<String>) -> Result<Api>,
        ) -> Writer<'a> {
            Writer {
                printer: &self.file.printer,
                store: &self.file.store,
                env: &self.env,
                connect,
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
        assert!(stderr.ends_with("in profile b; it is not active (use it with `--profile b` or `modal-setup profile activate b`)\n"), "{stderr}");
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
