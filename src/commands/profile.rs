//! `profile list|current|activate|remove|rename`: offline, instant, and careful with the file.

use serde::Serialize;

use super::check::Checked;
use super::writer::{self, Writer};
use super::{Context, Load, with_writer};
use crate::api::Credentials;
use crate::cli::ProfileCommand;
use crate::config::resolve::{self, Sourced};
use crate::config::store::Store;
use crate::config::{Config, DEFAULT_SERVER_URL};
use crate::env::MODAL_PROFILE;
use crate::error::{Error, Outcome, Result};
use crate::output::{Printer, columns};
use crate::prompt;
use crate::text::{shell_word, shown};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Serialize)]
struct ListedProfile<'a> {
    name: &'a str,
    /// Whether this is the profile in effect (as in Modal's `profile list --json`).
    active: bool,
    token_id: Option<&'a str>,
    /// Whether the profile holds OAuth keys (Modal's second kind of credential); only `true`
    /// is written, so that other profiles keep the shape of Modal's `profile list --json`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    oauth: bool,
    server_url: Option<&'a str>,
    /// With `--check`: the word for what the server said ([`Outcome`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Outcome>,
    /// With `--check`: the workspace the server reported (null unless the status is "ok").
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace: Option<Option<String>>,
    /// With `--check`: the server URL that was asked (null when nothing was asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    asked: Option<Option<String>>,
    #[serde(skip)]
    shown_status: Option<String>,
}

/// `profile list`: `in_effect` is the profile in effect (resolved by the caller), `checked`
/// the servers' answers for each profile with `--check` (`None` without).
pub fn list(
    printer: &Printer,
    config: &Config,
    in_effect: &str,
    checked: Option<Vec<Checked>>,
    format: ListFormat,
) -> Result<()> {
    let check = checked.is_some();
    // With --check, the listing is printed whole first; then any profile holding a token that
    // is not usable makes the command fail, as `gh auth status` does.
    let failed = checked.as_ref().map(|checked| {
        let held: Vec<&Checked> = checked
            .iter()
            .filter(|c| c.outcome != Outcome::NoToken)
            .collect();
        let failed = held.iter().filter(|c| c.outcome != Outcome::Ok).count();
        (failed, held.len())
    });
    let statuses: Vec<Option<Checked>> = match checked {
        Some(checked) => checked.into_iter().map(Some).collect(),
        None => vec![None; config.profiles().count()],
    };
    let rows: Vec<ListedProfile<'_>> = config
        .profiles()
        .zip(statuses)
        .map(|(p, status)| ListedProfile {
            name: p.name(),
            active: p.name() == in_effect,
            token_id: p.token_id(),
            oauth: crate::config::OAUTH_KEYS
                .iter()
                .any(|(key, _)| p.oauth(key).is_some()),
            server_url: p.server_url(),
            status: status.as_ref().map(|c| c.outcome),
            workspace: status.as_ref().map(|c| c.workspace().map(str::to_owned)),
            asked: status.as_ref().map(|c| c.server_url.clone()),
            shown_status: status.as_ref().map(Checked::shown),
        })
        .collect();
    match format {
        ListFormat::Json => {
            let json = serde_json::to_string_pretty(&rows).expect("plain data serializes");
            printer.data(&json)?;
        }
        ListFormat::Table if rows.is_empty() => {
            printer.status(format_args!(
                "No profiles in {}. Create one with `modal-setup setup` or `modal-setup token set`.",
                config.path().display()
            ));
        }
        ListFormat::Table => printer.data(table(printer, &rows, check))?,
    }
    match failed {
        Some((failed, checked)) if failed > 0 => Err(Error::ProfilesNotUsable { failed, checked }),
        _ => Ok(()),
    }
}

/// Aligned columns; the server column only when some profile has a non-default server (with
/// `--check`, always: the URL that was asked), the status and workspace columns only with
/// `--check` (the status is the JSON's `status` word; the workspace the server reported).
fn table(printer: &Printer, rows: &[ListedProfile<'_>], check: bool) -> String {
    let show_server = check
        || rows
            .iter()
            .any(|r| r.server_url.is_some_and(|u| u != DEFAULT_SERVER_URL));
    let mut headers = vec!["PROFILE", "TOKEN ID"];
    if check {
        headers.extend(["STATUS", "WORKSPACE"]);
    }
    if show_server {
        headers.push("SERVER");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            // Text from the file: a name or URL cannot act on the terminal.
            let mut cells = vec![
                shown(row.name).into_owned(),
                match (row.token_id, row.oauth) {
                    (Some(id), false) => shown(id).into_owned(),
                    (Some(id), true) => format!("{} + OAuth", shown(id)),
                    (None, true) => "(OAuth)".to_owned(),
                    (None, false) => "-".to_owned(),
                },
            ];
            if check {
                cells.push(row.shown_status.clone().unwrap_or_default());
                let workspace = row.workspace.as_ref().and_then(Option::as_deref);
                cells.push(shown(workspace.unwrap_or("-")).into_owned());
            }
            if let Some(asked) = &row.asked {
                cells.push(asked.clone().unwrap_or_else(|| "-".into()));
            } else if show_server {
                let server = row.server_url.filter(|u| *u != DEFAULT_SERVER_URL);
                cells.push(shown(server.unwrap_or("")).into_owned());
            }
            cells
        })
        .collect();
    let mut all = vec![headers.iter().map(|h| (*h).to_owned()).collect()];
    all.extend(cells);
    // The active profile is marked, and its name in bold.
    let lines = columns(&all, |row, column, cell| match row > 0 && column == 0 {
        true if rows[row - 1].active => printer.data_bold(&cell),
        _ => cell,
    });
    let markers = std::iter::once(" ").chain(rows.iter().map(|r| if r.active { "•" } else { " " }));
    let lines: Vec<String> = markers
        .zip(lines)
        .map(|(m, line)| format!("{m} {line}"))
        .collect();
    lines.join("\n")
}

/// `profile current`: the profile in effect and, with `-v`, what chose it.
pub fn current(printer: &Printer, in_effect: &Sourced<String>) -> Result<()> {
    printer.debug(format_args!("chosen by the {}", in_effect.origin));
    printer.data(shown(&in_effect.value))?;
    Ok(())
}

/// How `profile activate` knows which profile.
#[derive(Debug)]
pub enum ToActivate {
    /// Named on the command line.
    Named(String),
    /// Chosen from a list on the terminal, the profile in effect first.
    Choose { in_effect: String },
    /// Not named, and no terminal to ask on.
    Unnamed,
}

/// `profile activate`: `env_profile` is MODAL_PROFILE, which would override the choice.
pub fn activate(
    printer: &Printer,
    store: &Store,
    config: &Config,
    which: ToActivate,
    env_profile: Option<&str>,
) -> Result<()> {
    let name = match which {
        ToActivate::Named(name) => name,
        ToActivate::Choose { in_effect } => choose(config, &in_effect)?,
        ToActivate::Unnamed => {
            return Err(Error::MissingInput {
                what: "profile name",
                hint: format!(
                    "name the profile, e.g. `modal-setup profile activate NAME`; profiles: {}",
                    list_names(config)
                ),
            });
        }
    };
    let written = store.update(|config| config.activate(&name))?;
    printer.success(format_args!("Activated profile '{}'", shown(&name)));
    super::report_write(printer, &written);
    if let Some(env_profile) = env_profile.filter(|p| *p != name) {
        printer.warn(format_args!(
            "{MODAL_PROFILE}={env_profile} is set and overrides the active profile in {}; unset it to use '{name}'",
            config.path().display()
        ));
    }
    Ok(())
}

fn choose(config: &Config, in_effect: &str) -> Result<String> {
    let names = config.profile_names();
    if names.is_empty() {
        return Err(Error::NoProfiles {
            path: config.path().to_owned(),
        });
    }
    let default = names.iter().position(|n| n == in_effect).unwrap_or(0);
    // Each name with its token id, the active one marked, as `profile list` shows them.
    let width = names
        .iter()
        .map(|n| shown(n).chars().count())
        .max()
        .unwrap_or(0);
    let items: Vec<String> = config
        .profiles()
        .map(|p| {
            let token_id = p.token_id().unwrap_or("(no token)");
            let active = if p.is_active() { "  (active)" } else { "" };
            format!("{:width$}  {}{active}", shown(p.name()), shown(token_id))
        })
        .collect();
    match prompt::select("Profile to activate", &items, default)? {
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

#[derive(Clone, Copy, Debug, Default)]
pub struct RemoveArgs {
    /// Do not ask.
    pub yes: bool,
    /// Revoke the profile's token on the server first.
    pub revoke: bool,
    /// With `revoke`: remove the profile even when revoking fails.
    pub force: bool,
}

/// `profile remove`: `interactive` says whether the confirmation can be asked; `revoke`
/// revokes the profile's token on its server when `args.revoke` asks for it.
pub fn remove(
    printer: &Printer,
    store: &Store,
    config: &Config,
    name: &str,
    args: RemoveArgs,
    interactive: bool,
    revoke: impl FnOnce(&Config, &str, bool) -> Result<()>,
) -> Result<()> {
    let path = config.path();
    if !config.contains(name) {
        return Err(Error::UnknownProfile {
            name: name.to_owned(),
            path: path.to_owned(),
            existing: config.profile_names(),
        });
    }
    if !args.yes {
        if !interactive {
            return Err(Error::MissingInput {
                what: "confirmation",
                hint: format!("pass --yes to remove profile '{name}' without being asked"),
            });
        }
        let question = format!(
            "Remove profile '{name}' and its token from {}?",
            path.display()
        );
        if !prompt::confirm(&question, false)? {
            return Err(Error::Cancelled);
        }
    }
    if args.revoke {
        revoke(config, name, args.force)?;
    }
    let written = store.update(|config| config.remove(name))?;
    printer.success(format_args!(
        "Removed profile '{name}' from {}",
        path.display()
    ));
    super::report_write(printer, &written);
    if let Some(token_id) = config.profile(name).and_then(|p| p.token_id())
        && !args.revoke
    {
        printer.note(format_args!(
            "token {token_id} is still valid on the server: removing a profile does not revoke its token (`--revoke` does; so does the dashboard's tokens page)"
        ));
    }
    Ok(())
}

/// `profile remove --revoke`: the profile's token revoked on its own server (the one
/// revoke routine, [`writer::revoke`]); with `force`, a failure is a warning and the profile
/// goes anyway.
pub fn revoke_profile_token(
    w: &Writer<'_>,
    config: &Config,
    name: &str,
    force: bool,
) -> Result<()> {
    let profile = config.profile(name).expect("checked by the caller");
    let (Some(token_id), Some(secret)) = (profile.token_id(), profile.token_secret()) else {
        w.printer.note(format_args!(
            "profile '{name}' holds no token, so there is nothing to revoke"
        ));
        return Ok(());
    };
    let others: Vec<String> = config
        .holders_of(token_id)
        .into_iter()
        .filter(|holder| holder != name)
        .collect();
    let server_url = resolve::server_url_for(config, w.env, Some(name));
    let token = Credentials::new(token_id, secret);
    match writer::revoke(
        w,
        &token,
        &format!("token {token_id}"),
        &server_url,
        &others,
    ) {
        Err(cause) if force => {
            w.printer.warn(format_args!(
                "could not revoke token {token_id} ({cause}); removing the profile anyway (--force): revoke it in the Modal dashboard"
            ));
            Ok(())
        }
        Err(cause) => Err(Error::RevokeFailed {
            token_id: token_id.to_owned(),
            cause: Box::new(cause),
            kept: false,
        }),
        Ok(()) => Ok(()),
    }
}

/// `profile rename`: `env_profile` is MODAL_PROFILE, which may name the old name.
pub fn rename(
    printer: &Printer,
    store: &Store,
    old: &str,
    new: &str,
    env_profile: Option<&str>,
) -> Result<()> {
    let written = store
        .update(|config| config.rename(old, new))
        .map_err(|e| e.on_command_line(true))?;
    printer.success(format_args!(
        "Renamed profile '{old}' to '{new}' in {}",
        store.path().display()
    ));
    super::report_write(printer, &written);
    if env_profile == Some(old) {
        printer.warn(format_args!(
            "{MODAL_PROFILE}={} is set; change it to {}",
            shell_word(old),
            shell_word(new)
        ));
    }
    Ok(())
}

/// The commands run in process, on plain values: a file in a temp dir and a printer that
/// keeps what it is given.
/// The profile commands, on values resolved here: the file read (and checked), the profile in
/// effect, MODAL_PROFILE, whether questions can be asked.
pub fn exec(ctx: &Context, command: ProfileCommand) -> Result<()> {
    let printer = &ctx.printer;
    let env_profile = ctx.env.get(crate::env::MODAL_PROFILE);
    match command {
        ProfileCommand::List { json, check } => {
            let (path, _, config) = ctx.load(Load::Read)?;
            // Resolving reports what `profile current` and `config show` report too: an
            // unknown MODAL_PROFILE, several active profiles.
            let in_effect = ctx.resolve(&config, path).profile.value;
            let checked = check
                .then(|| super::check::check_all(ctx, &config))
                .transpose()?;
            let format = if json {
                ListFormat::Json
            } else {
                ListFormat::Table
            };
            list(printer, &config, &in_effect, checked, format)
        }
        ProfileCommand::Current => {
            let (path, _, config) = ctx.load(Load::Read)?;
            current(printer, &ctx.resolve(&config, path).profile)
        }
        ProfileCommand::Activate { name } => {
            let (_, store, config) = ctx.load(Load::Edit)?;
            // `profile activate --profile NAME` means what it says.
            let which = match name.or_else(|| ctx.profile_flag.clone()) {
                Some(name) => ToActivate::Named(name),
                None if ctx.interactive => ToActivate::Choose {
                    in_effect: resolve::profile_in_effect(&config, &ctx.env, None).value,
                },
                None => ToActivate::Unnamed,
            };
            activate(printer, &store, &config, which, env_profile)
        }
        ProfileCommand::Remove {
            name,
            yes,
            revoke,
            force,
        } => {
            let (_, store, config) = ctx.load(Load::Edit)?;
            remove_with(
                ctx,
                &store,
                &config,
                &name,
                RemoveArgs { yes, revoke, force },
            )
        }
        ProfileCommand::Rename { old, new } => {
            let path = ctx.config_path()?;
            rename(printer, &ctx.store(&path), &old, &new, env_profile)
        }
    }
}

/// `logout`: `profile remove --revoke` of the profile in effect (`--profile`, MODAL_PROFILE,
/// else the active one), as gh's `auth logout` removes the account in use.
pub fn logout(ctx: &Context, yes: bool, force: bool) -> Result<()> {
    let (_, store, config) = ctx.load(Load::Edit)?;
    let explicit = ctx.explicit().profile;
    let name = resolve::profile_in_effect(&config, &ctx.env, explicit.as_ref()).value;
    let args = RemoveArgs {
        yes,
        revoke: true,
        force,
    };
    remove_with(ctx, &store, &config, &name, args)
}

fn remove_with(
    ctx: &Context,
    store: &Store,
    config: &Config,
    name: &str,
    args: RemoveArgs,
) -> Result<()> {
    with_writer(ctx, store, |w| {
        let revoke =
            |config: &Config, name: &str, force| revoke_profile_token(w, config, name, force);
        remove(
            &ctx.printer,
            store,
            config,
            name,
            args,
            ctx.interactive,
            revoke,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Verbosity;
    use crate::testing::TempConfig;

    const FILE: &str = "# mine\n[personal]\ntoken_id = \"ak-personal\"\n\
        token_secret = \"as-personal\"\nactive = true\n\n[work]\ntoken_id = \"ak-work\"\n\
        token_secret = \"as-work\"\n";

    #[test]
    fn list_marks_the_profile_in_effect_in_each_format() {
        let f = TempConfig::new(FILE);
        let config = f.config();
        list(&f.printer, &config, "work", None, ListFormat::Table).unwrap();
        let out = f.out();
        assert_eq!(
            out.stdout,
            "  PROFILE   TOKEN ID\n  personal  ak-personal\n• work      ak-work\n"
        );
        let json_printer = Printer::capturing(Verbosity::Normal);
        list(&json_printer, &config, "work", None, ListFormat::Json).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&json_printer.captured().stdout).unwrap();
        assert_eq!(json[0]["active"], false);
        assert_eq!(json[1]["name"], "work");
        assert_eq!(json[1]["active"], true);
        assert_eq!(out.stderr, "");
    }

    #[test]
    fn activate_writes_the_flag_and_warns_when_modal_profile_overrides_it() {
        let f = TempConfig::new(FILE);
        let which = ToActivate::Named("work".into());
        activate(&f.printer, &f.store, &f.config(), which, Some("personal")).unwrap();
        assert!(
            f.text().contains(
                "[work]\ntoken_id = \"ak-work\"\ntoken_secret = \"as-work\"\nactive = true"
            )
        );
        let stderr = f.out().stderr;
        assert!(
            stderr
                .starts_with("✓ Activated profile 'work'\nwarning: MODAL_PROFILE=personal is set"),
            "{stderr}"
        );
    }

    #[test]
    fn activate_without_a_name_or_a_terminal_names_the_profiles() {
        let f = TempConfig::new(FILE);
        let error =
            activate(&f.printer, &f.store, &f.config(), ToActivate::Unnamed, None).unwrap_err();
        assert!(
            matches!(&error, Error::MissingInput { hint, .. } if hint.ends_with("profiles: personal, work")),
            "{error:?}"
        );
        assert_eq!(f.text(), FILE);
    }

    #[test]
    fn remove_asks_unless_yes_revokes_first_and_activates_the_one_left() {
        let f = TempConfig::new(FILE);
        let never = |_: &Config, _: &str, _: bool| -> Result<()> { panic!("not asked to revoke") };
        let asked = RemoveArgs::default();
        let error = remove(
            &f.printer,
            &f.store,
            &f.config(),
            "personal",
            asked,
            false,
            never,
        )
        .unwrap_err();
        assert!(matches!(
            error,
            Error::MissingInput {
                what: "confirmation",
                ..
            }
        ));
        // A failed revoke stops the removal: the file is untouched.
        let revoke = RemoveArgs {
            yes: true,
            revoke: true,
            force: false,
        };
        let remove_personal = |revoker: &mut dyn FnMut(&Config, &str, bool) -> Result<()>| {
            remove(
                &f.printer,
                &f.store,
                &f.config(),
                "personal",
                revoke,
                false,
                revoker,
            )
        };
        remove_personal(&mut |_, name, _| Err(Error::Internal(format!("revoking {name} failed"))))
            .unwrap_err();
        assert_eq!(f.text(), FILE);
        let mut revoked = Vec::new();
        remove_personal(&mut |_, name, _| {
            revoked.push(name.to_owned());
            Ok(())
        })
        .unwrap();
        assert_eq!(revoked, ["personal"]);
        assert!(!f.text().contains("[personal]"));
        let stderr = f.out().stderr;
        assert!(
            stderr.contains("✓ Removed profile 'personal' from "),
            "{stderr}"
        );
        // The only profile left with a token becomes the active one, so that the SDKs find it.
        assert!(
            stderr.ends_with(
                "note: profile 'work' is active now: no profile was, and Modal's JS and Go SDKs use only an active one\n"
            ),
            "{stderr}"
        );
        assert_eq!(f.config().active_profiles(), ["work"]);
    }

    #[test]
    fn rename_keeps_the_rest_and_warns_about_modal_profile() {
        let f = TempConfig::new(FILE);
        rename(&f.printer, &f.store, "work", "job", Some("work")).unwrap();
        assert_eq!(f.text(), FILE.replace("[work]", "[job]"));
        assert!(
            f.out()
                .stderr
                .ends_with("warning: MODAL_PROFILE=work is set; change it to job\n")
        );
        let error = rename(&f.printer, &f.store, "nope", "x", None).unwrap_err();
        assert!(matches!(error, Error::UnknownProfile { .. }), "{error:?}");
        assert_eq!(f.text(), FILE.replace("[work]", "[job]"));
    }
}
