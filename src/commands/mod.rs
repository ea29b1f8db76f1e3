//! The commands. [`run`] is the one place that turns clap's structs into their arguments.
//!
//! Every command is a plain function of resolved values (the file, the settings and profile
//! in effect, the environment, whether questions can be asked, a way to reach a server) and a
//! [`Printer`]; `run` and `run_profile` resolve those from the [`Context`] first, so the
//! commands run in tests without a process. Every command that writes a token (`setup`,
//! `token new`, `token rotate`, `token set`) writes it through [`writer::Writer`], which
//! carries those values.

pub mod check;
pub mod completions;
pub mod config;
pub mod doctor;
mod git;
pub mod profile;
pub mod setup;
pub mod token;
pub mod writer;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::api::{self, Api, Proxies, Server, ServerUrl};
use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::config::clients;
use crate::config::edit::Settled;
use crate::config::path::config_path;
use crate::config::resolve::{self, Explicit, Origin, Resolved, Sourced};
use crate::config::store::{DEFAULT_LOCK_TIMEOUT, Store, Written};
use crate::env::{
    Env, HTTP_PROXY_VARIABLES, HTTPS_PROXY_VARIABLES, MODAL_OVERRIDE_HEADERS,
    MODAL_SETUP_HTTP_TIMEOUT, MODAL_SETUP_LOCK_TIMEOUT, NO_PROXY_VARIABLES,
};
use crate::error::{Error, Result};
use crate::output::Printer;

/// How a command reaches the server of a `server_url`: the one seam to Modal's API. The
/// context dials it ([`Context::connect`]); unit tests give an in-process fake.
pub type Connect<'a> = &'a dyn Fn(&Sourced<String>) -> Result<Box<dyn Server>>;

/// How a command reads the config file: what it warns about before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    /// A command that reports: a file other users can read, and one git could commit.
    Read,
    /// A command that writes (and so makes the file private): one git could commit.
    Edit,
    /// `doctor`: nothing; its report says it all.
    Quiet,
}

/// What every command may need besides its own arguments.
#[derive(Debug)]
pub struct Context {
    pub env: Env,
    /// `--config`.
    pub config_flag: Option<PathBuf>,
    /// `--profile`.
    pub profile_flag: Option<String>,
    /// Whether questions can be asked: stdin and stderr are terminals.
    pub interactive: bool,
    pub printer: Printer,
}

impl Context {
    /// The context of this process.
    pub fn from_process(cli: &Cli, printer: Printer) -> Self {
        Self {
            env: Env::from_process(),
            config_flag: cli.global.config.clone(),
            profile_flag: cli.global.profile.clone(),
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            printer,
        }
    }

    pub fn config_path(&self) -> Result<Sourced<PathBuf>> {
        let flag = self
            .config_flag
            .clone()
            .map(|path| (path, Origin::Flag("--config")));
        let given = self
            .config_flag
            .as_deref()
            .map(std::path::Path::as_os_str)
            .or_else(|| self.env.get_os(crate::env::MODAL_CONFIG_PATH));
        let path = config_path(flag, &self.env)?;
        if given.is_some_and(crate::config::path::begins_with_tilde) {
            self.printer.warn(format_args!(
                "the {} begins with ~, which no Modal client expands (no shell did either); the file used is {}",
                path.origin,
                path.value.display()
            ));
        }
        Ok(path)
    }

    pub fn store(&self, path: &Sourced<PathBuf>) -> Store {
        let timeout = self.seconds(MODAL_SETUP_LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT);
        Store::new(&path.value)
            .with_lock_timeout(timeout)
            .chosen_by(&path.origin)
    }

    /// How long an API call may take: MODAL_SETUP_HTTP_TIMEOUT, else 30 s.
    pub fn http_timeout(&self) -> Duration {
        self.seconds(MODAL_SETUP_HTTP_TIMEOUT, api::DEFAULT_TIMEOUT)
    }

    /// What every API call needs: the deadline, the proxies and MODAL_OVERRIDE_HEADERS from
    /// the environment, and the printer for the server's warnings.
    pub fn api_settings(&self) -> Result<api::Settings> {
        // The first variable of each list that is set; its value is judged only by a
        // connection that would use it.
        let first = |names: &[&'static str]| {
            names
                .iter()
                .find_map(|name| self.env.get(name).map(|value| (*name, value.to_owned())))
        };
        let proxies = Proxies {
            https: first(HTTPS_PROXY_VARIABLES),
            http: first(HTTP_PROXY_VARIABLES),
            no_proxy: first(NO_PROXY_VARIABLES).map(|(_, list)| list),
        };
        let override_headers = self
            .env
            .get(MODAL_OVERRIDE_HEADERS)
            .map(api::parse_override_headers)
            .transpose()?
            .unwrap_or_default();
        let printer = self.printer.clone();
        let debug = self.printer.clone();
        Ok(api::Settings {
            timeout: self.http_timeout(),
            proxies,
            override_headers,
            on_warning: std::sync::Arc::new(move |warning| printer.warn(warning)),
            on_debug: std::sync::Arc::new(move |detail| debug.debug(detail)),
        })
    }

    /// A client for `server_url` (see [`Connect`]).
    pub fn connect(&self, server_url: &Sourced<String>) -> Result<Box<dyn Server>> {
        self.printer.debug(format_args!(
            "server: {} ({})",
            server_url.value, server_url.origin
        ));
        Ok(Box::new(Api::new(
            self.server(server_url)?,
            self.api_settings()?,
        )?))
    }

    /// `server_url` parsed: a clear error names where a malformed one came from.
    /// A server reached in clear text (`http://`) must be on this machine, unless
    /// MODAL_SETUP_ALLOW_HTTP=1 says the network is trusted: every call carries a token or,
    /// for a login, brings one back.
    pub fn server(&self, server_url: &Sourced<String>) -> Result<ServerUrl> {
        let server = ServerUrl::parse(&server_url.value, &server_url.origin.to_string())?;
        let allowed = self.env.get(crate::env::MODAL_SETUP_ALLOW_HTTP) == Some("1");
        let remote_http = server
            .candidates
            .iter()
            .find(|c| c.scheme == api::Scheme::Http && !c.is_loopback());
        match remote_http {
            Some(candidate) if !allowed => Err(Error::ClearTextServer {
                url: candidate.origin().to_owned(),
                origin: server_url.origin.to_string(),
            }),
            _ => Ok(server),
        }
    }

    /// A duration in seconds from the variable `name`, else `default`; a value that is not a
    /// number of seconds counts as unset, and a huge one is capped at a day.
    fn seconds(&self, name: &str, default: Duration) -> Duration {
        const LONGEST: Duration = Duration::from_secs(86_400);
        self.env
            .get(name)
            .and_then(|secs| secs.trim().parse::<f64>().ok())
            .filter(|secs| secs.is_finite() && *secs >= 0.0)
            .map_or(default, |secs| {
                Duration::try_from_secs_f64(secs).map_or(LONGEST, |d| d.min(LONGEST))
            })
    }

    /// The server for `profile` (resolve.rs has the rule).
    pub fn server_url_for(&self, config: &Config, profile: Option<&str>) -> Sourced<String> {
        resolve::server_url_for(config, &self.env, profile)
    }

    /// The profile named by `--profile` or MODAL_PROFILE, if any (resolve.rs has the rule).
    pub fn chosen_profile(&self) -> Option<Sourced<String>> {
        resolve::chosen_profile(&self.env, self.explicit_profile().as_ref())
    }

    /// What the command line sets above the environment and the file: `--profile`.
    pub fn explicit(&self) -> Explicit {
        Explicit {
            profile: self.explicit_profile(),
            ..Explicit::default()
        }
    }

    fn explicit_profile(&self) -> Option<Sourced<String>> {
        self.profile_flag
            .clone()
            .map(|name| Sourced::new(name, Origin::Flag("--profile")))
    }

    /// The config file in effect, read: where it is and why, its store, what it holds.
    /// `how` says what is warned about first (see [`Load`]).
    pub fn load(&self, how: Load) -> Result<(Sourced<PathBuf>, Store, Config)> {
        let (path, store) = self.open(how)?;
        let config = store.load()?;
        if how == Load::Read
            && let Some(access) = store.access().filter(|access| !access.private)
        {
            self.printer.warn(format_args!(
                "{} is readable by other users ({}); fix it with `{}`",
                path.value.display(),
                access.shown,
                crate::platform::make_private_command(&path.value)
            ));
        }
        Ok((path, store, config))
    }

    /// The config file in effect, not read yet: for a command that reads it only under the
    /// write lock (one parse per command).
    pub fn open(&self, how: Load) -> Result<(Sourced<PathBuf>, Store)> {
        let path = self.config_path()?;
        let store = self.store(&path);
        self.printer.debug(format_args!(
            "config file: {} ({})",
            path.value.display(),
            path.origin
        ));
        if how != Load::Quiet {
            git::warn_if_committable(&self.printer, &path.value);
        }
        Ok((path, store))
    }

    /// The settings in effect, with their problems reported as warnings.
    pub fn resolve(&self, config: &Config, path: Sourced<PathBuf>) -> Resolved {
        let resolved = resolve::resolve(config, path, &self.env, &self.explicit());
        for problem in &resolved.problems {
            self.printer.warn(problem);
        }
        let readings = clients::read_all(config, &self.env, &resolved.profile.value);
        // A profile chosen with --profile is asked for on purpose: that the SDKs, which do not
        // see the flag, read another is said when writing and by doctor, not on every command.
        let on_purpose = resolved.profile.origin.is_flag();
        for finding in clients::findings(&readings, &resolved) {
            if !(on_purpose && finding.elsewhere) {
                self.printer.warn(finding);
            }
        }
        resolved
    }
}

/// Says what a write did besides the edit asked for: the permissions tightened, the file
/// rewritten in place, another profile made (or left not) active (see
/// [`Config::settle_active`]). Nothing when it did none of these.
pub(crate) fn report_write<T>(printer: &Printer, written: &Written<T>) {
    use crate::config::clients::quoted;
    if let Some(access) = &written.tightened_from {
        printer.note(format_args!(
            "tightened the permissions of {} from {} to {}",
            written.target.display(),
            access.shown,
            crate::platform::PRIVATE_SHOWN
        ));
    }
    if let Some(why) = &written.in_place {
        printer.note(format_args!(
            "{} cannot be replaced ({why}: a bind mount?), so it was rewritten in place; a crash during such a write can leave it cut short",
            written.target.display()
        ));
    }
    match &written.settled {
        Settled::AsItWas => {}
        Settled::Activated(name) => printer.note(format_args!(
            "profile '{name}' is active now: no profile was, and Modal's JS and Go SDKs use only an active one"
        )),
        Settled::Deactivated { kept, others } => printer.note(format_args!(
            "only '{kept}' is active now: {} also said active = true, which Modal's clients read three different ways",
            quoted(others)
        )),
        Settled::NoneActive { holding_tokens } => printer.warn(format_args!(
            "no profile is active, so Modal's JS and Go SDKs find no token; choose one with `modal-setup profile activate NAME`{}",
            if holding_tokens.is_empty() {
                String::new()
            } else {
                format!(" (profiles with a token: {})", quoted(holding_tokens))
            }
        )),
    }
}

/// Runs `write` with a [`writer::Writer`] for `store` that reaches servers as the context
/// says (MODAL_SETUP_HTTP_TIMEOUT, proxies, MODAL_OVERRIDE_HEADERS).
pub(crate) fn with_writer<T>(
    ctx: &Context,
    store: &Store,
    write: impl FnOnce(&writer::Writer<'_>) -> Result<T>,
) -> Result<T> {
    let connect = |server_url: &Sourced<String>| ctx.connect(server_url);
    write(&writer::Writer {
        printer: &ctx.printer,
        store,
        env: &ctx.env,
        connect: &connect,
        interactive: ctx.interactive,
    })
}

/// Runs the command the user asked for: each command's file turns its arguments into plain
/// values (its `exec`), so this only routes.
pub fn run(cli: Cli, ctx: &Context) -> Result<()> {
    let command = cli.command.unwrap_or(Command::Setup(cli.setup));
    // A variable that cannot be read is an error, not silently unset: MODAL_SERVER_URL ignored
    // would send the token to Modal's default server.
    if !matches!(command, Command::Completions(_))
        && let Some(name) = ctx.env.modal_variables_not_utf8().next()
    {
        return Err(Error::InvalidInput {
            what: "environment variable",
            problem: format!("{name} is set to bytes that are not UTF-8 text"),
            hint: format!("set {name} to UTF-8 text, or unset it"),
        });
    }
    match command {
        Command::Setup(args) => setup::exec(ctx, setup::Login::of(args, "/home")),
        Command::Logout { yes, force } => profile::logout(ctx, yes, force),
        Command::Status => token::status(ctx, token::View::Status),
        Command::Whoami => token::status(ctx, token::View::Whoami),
        Command::Token(command) => token::exec(ctx, command),
        Command::Profile(command) => profile::exec(ctx, command),
        Command::Config(command) => config::exec(ctx, command),
        Command::Doctor {
            json,
            no_verify,
            fix,
            yes,
        } => {
            if fix {
                doctor::repair(ctx, yes)?;
            }
            doctor::exec(ctx, json, no_verify)
        }
        Command::Completions(args) => completions::print(args.shell),
    }
}
