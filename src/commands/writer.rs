//! A token's way into the config file, the same for `setup`, `token new`, `token rotate` and
//! `token set`: checked if minted, verified and its profile named (one round trip), written
//! under the lock with the server URL every client reads, reported, and the token it replaced
//! revoked when asked.

use std::fmt;

use super::Connect;
use crate::api::{Credentials, Server};
use crate::config::edit::{Settled, TokenChange, validate_new_profile_name};
use crate::config::resolve::{self, Sourced};
use crate::config::store::{Store, Written};
use crate::config::{DEFAULT_PROFILE, DEFAULT_SERVER_URL};
use crate::env::{Env, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET};
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::server_url::ServerUrl;
use crate::text::shell_word;

/// What writing a token needs besides the token, resolved by the caller: the file, the
/// environment (the server URL, the variables that override the file), a way to reach a
/// server, and the printer. `setup`, `token new`, `token rotate` and `token set` all write
/// through it.
pub struct Writer<'a> {
    pub printer: &'a Printer,
    pub store: &'a Store,
    pub env: &'a Env,
    pub connect: Connect<'a>,
    /// Whether questions can be asked (stdin and stderr are a terminal).
    pub interactive: bool,
}

impl fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("store", &self.store.path())
            .finish_non_exhaustive()
    }
}

/// Verifies a token (ClientHello) and, when `name_it`, names its profile after its workspace
/// (WorkspaceNameLookup's `username`, else `fallback`, the login's `workspace_username`, else
/// `default`), as 1.6.4 does. Both calls go out together on one connection: one round trip,
/// where Modal's client waits for the first before the second. `verify: false` makes only the
/// lookup. A failed lookup is an error only when there is no fallback.
pub fn verify_and_name(
    printer: &Printer,
    api: &dyn Server,
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
        (false, true) => (
            Ok(()),
            Some(api.username(&crate::api::Auth::Token(credentials.clone()))),
        ),
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
            crate::text::sanitize(&name)
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
    /// The other profiles that still hold the replaced token, read under the lock.
    pub replaced_still_in: Vec<String>,
}

impl Writer<'_> {
    /// Writes a token into `profile` under the lock, activates the profile when asked to (the
    /// store settles which one is active otherwise), and reports what was done.
    pub fn save(&self, token: &NewToken<'_>, activate: bool) -> Result<Saved> {
        let mut server_url = token.server_url.cloned();
        let mut replaced_still_in = Vec::new();
        let mut written_url = None;
        let written = self.store.update(|config| {
            if !config.contains(token.profile) {
                validate_new_profile_name(token.profile)?;
            }
            let server = server_url.get_or_insert_with(|| {
                resolve::server_url_for(config, self.env, Some(token.profile))
            });
            let to_write = server_url_to_write(server)?;
            let change = config.set_token(
                token.profile,
                &token.credentials.token_id,
                &token.credentials.token_secret,
                to_write.as_ref().map(ServerUrl::canonical).as_deref(),
            )?;
            written_url = to_write;
            if let TokenChange::Replaced {
                previous_token_id: Some(previous),
                ..
            } = &change
            {
                replaced_still_in = config.holders_of(previous);
            }
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
        let server_url = server_url.expect("set by the edit");
        if let Some(written_url) = &written_url {
            self.report_server_url(token.profile, written_url);
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
            server_url,
            replaced_still_in,
        })
    }

    /// Revokes the token a new one replaced (`--delete-existing`, `token rotate`). The new
    /// token is already written and stays whatever happens here.
    pub fn revoke_replaced(&self, token: &NewToken<'_>, saved: &Saved) -> Result<()> {
        let Some(previous) = &saved.replaced else {
            self.printer.note(format_args!(
                "profile '{}' held no other token, so there is nothing to revoke",
                token.profile
            ));
            return Ok(());
        };
        let what = format!(
            "the previous token {} of profile '{}'",
            previous.token_id, token.profile
        );
        let holders = &saved.replaced_still_in;
        revoke(self, previous, &what, &saved.server_url, holders).map_err(|cause| {
            Error::RevokeFailed {
                token_id: previous.token_id.clone(),
                cause: Box::new(cause),
                kept: true,
            }
        })
    }
}

/// The one way a token is revoked (`token rotate`, `--delete-existing`, `profile remove
/// --revoke`): TokenDelete on `server_url`, authenticated as the token itself, as 1.6.4 does.
/// A token other profiles (`holders`) still hold is revoked only on a yes at a terminal; one
/// the server already rejects needs nothing. `what` names the token in messages.
pub fn revoke(
    w: &Writer<'_>,
    token: &Credentials,
    what: &str,
    server_url: &Sourced<String>,
    holders: &[String],
) -> Result<()> {
    let id = &token.token_id;
    if !may_revoke_shared(w.printer, w.interactive, id, holders)? {
        return Ok(());
    }
    match (w.connect)(server_url).and_then(|server| server.delete_token(token, id)) {
        Ok(()) => w.printer.success(format_args!("Revoked {what}")),
        Err(Error::Rejected {
            permission: false, ..
        }) => w.printer.note(format_args!(
            "the server no longer accepts {what}, so it needs no revoking"
        )),
        Err(cause) => return Err(cause),
    }
    Ok(())
}

/// Whether a token that other profiles (`holders`) still hold may be revoked: revoking it
/// would break them, so only a yes at a terminal does it. Otherwise it is left alive and the
/// warning says which profiles hold it and what to do. A token no other profile holds may.
fn may_revoke_shared(
    printer: &Printer,
    interactive: bool,
    token_id: &str,
    holders: &[String],
) -> Result<bool> {
    if holders.is_empty() {
        return Ok(true);
    }
    let named = holders
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let profiles = if holders.len() == 1 {
        "profile"
    } else {
        "profiles"
    };
    if interactive
        && crate::prompt::confirm(
            &format!(
                "Token {token_id} is also used by {profiles} {named}, which would stop working. Revoke it anyway?"
            ),
            false,
        )?
    {
        return Ok(true);
    }
    printer.warn(format_args!(
        "token {token_id} is also used by {profiles} {named}, so it was not revoked: rotate {} too (`modal-setup --profile {} token rotate`), or revoke it in the Modal dashboard once nothing uses it",
        if holders.len() == 1 { "it" } else { "them" },
        shell_word(&holders[0])
    ));
    Ok(false)
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

impl Writer<'_> {
    /// What a written server_url leaves out, and which of Modal's clients cannot use it.
    fn report_server_url(&self, profile: &str, written: &ServerUrl) {
        if !written.ignored.is_empty() {
            self.printer.note(format_args!(
                "profile '{profile}' got server_url without {}, in the form every Modal client reads",
                written.ignored.join(" and ")
            ));
        }
        let url = written.canonical();
        if let Some(why) = crate::config::clients::python_server_problem(&url) {
            self.printer.warn(format_args!(
                "profile '{profile}' now holds server_url '{url}', which Modal's Python client 1.6.4 cannot dial: {why} (a host name such as localhost serves all three clients)"
            ));
        }
        if written.is_list() {
            self.printer.warn(format_args!(
                "profile '{profile}' now holds a failover list as server_url, which only Modal's Python client can use: the JS and Go SDKs cannot connect with it"
            ));
        }
    }

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
        let overriding: Vec<&str> = [MODAL_TOKEN_ID, MODAL_TOKEN_SECRET]
            .into_iter()
            .filter(|var| self.env.get(var).is_some())
            .collect();
        match overriding[..] {
            [var] => printer.warn(format_args!(
                "{var} is set in the environment and overrides the token in the file; unset it to use the file"
            )),
            [id, secret] => printer.warn(format_args!(
                "{id} and {secret} are set in the environment and override the token in the file; unset them to use the file"
            )),
            _ => {}
        }
        let oauth: Vec<&str> = crate::config::OAUTH_KEYS
            .iter()
            .map(|(_, var)| *var)
            .filter(|var| self.env.get(var).is_some())
            .collect();
        if !oauth.is_empty() {
            printer.warn(format_args!(
                "{} set in the environment: beside this token, Modal's Python client and the JS SDK refuse to start (\"Modal token credentials and OAuth credentials cannot both be configured.\"); `{}` where the token is to be used",
                oauth.join(", "),
                crate::platform::unset_line(&oauth)
            ));
        }
        let state = if *activated {
            "it is the active profile".to_owned()
        } else {
            format!(
                "it is not active (use it with `--profile {word}` or `modal-setup profile activate {word}`)",
                word = shell_word(profile)
            )
        };
        let verb = if *change == TokenChange::Unchanged {
            "Token already in"
        } else {
            "Token written to"
        };
        printer.success(format_args!(
            "{verb} {} in profile '{profile}'; {state}",
            path.display()
        ));
    }
}
