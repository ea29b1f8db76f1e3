//! `setup` (also bare `modal-setup` and `token new`): the browser login, as Modal's client does
//! it.
//!
//! Start the loopback server, create the token flow on the server (with the loopback's port),
//! show the URL and code, open the browser, then wait on TokenFlowWait until the login is
//! approved; verify the new token, choose the profile, write it.

use std::time::{Duration, Instant};

use std::io::IsTerminal;

use super::token::format::check_minted;
use super::writer::{NewToken, Writer, profile_from_server, verify_and_name};
use super::{Context, Load, with_writer};
use crate::api::{FLOW_WAIT, Flow, FlowRequest, Minted, Server};
use crate::cli;
use crate::config::edit::validate_new_profile_name;
use crate::config::resolve::{self, Sourced};
use crate::config::{Config, DEFAULT_PROFILE};
use crate::error::{Error, NetFailure, Result};
use crate::flow::browser::{self, BrowserEnv, NotOpened};
use crate::flow::loopback::Loopback;
use crate::interrupt::Unwritten;
use crate::output::Printer;
use crate::prompt;
use crate::text::shell_word;

/// The default `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// TokenFlowCreate's `utm_source`: who asks for the token.
pub const UTM_SOURCE: &str = "modal-setup";
/// First pause before asking again after a transient failure of the wait; it doubles.
const RETRY_FIRST: Duration = Duration::from_millis(500);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// A login's options (`setup`, `token new`, `token rotate`), as plain values.
#[derive(Debug)]
pub struct Login {
    pub no_browser: bool,
    pub port: Option<u16>,
    pub timeout: Duration,
    /// The token's lifetime (`--expires-in`); 0: the workspace's default.
    pub expires_in_seconds: u32,
    pub verify: bool,
    pub activate: bool,
    /// Replace a different token in an existing profile without asking.
    pub yes: bool,
    /// Revoke the profile's previous token once the new one is written.
    pub delete_existing: bool,
    /// The profile to write, above `--profile` and MODAL_PROFILE (for `token rotate`).
    pub profile: Option<String>,
    /// TokenFlowCreate's `next_url`: where the page goes after approval ("/home" for `setup`,
    /// "" for `token new`, as 1.6.4 sends).
    pub next_url: &'static str,
    pub browser: BrowserEnv,
    /// Whether the spinner may draw (stderr is a terminal).
    pub spinner: bool,
}

impl Login {
    /// `setup` and `token new` from their flags; `next_url` is "/home" for `setup` and "" for
    /// `token new`, as 1.6.4 sends it.
    pub fn of(args: cli::SetupArgs, next_url: &'static str) -> Self {
        Self {
            yes: args.yes,
            delete_existing: args.delete_existing,
            activate: !args.activate.no_activate,
            ..Self::rotate(args.login, args.verify, next_url)
        }
    }

    /// `token rotate`: a login with its own flags only.
    fn rotate(login: cli::LoginArgs, verify: cli::VerifyArgs, next_url: &'static str) -> Self {
        Self {
            no_browser: login.no_browser,
            port: login.port,
            timeout: Duration::from_secs(login.timeout),
            expires_in_seconds: login.expires_in.unwrap_or(0),
            verify: !verify.no_verify,
            activate: true,
            yes: false,
            delete_existing: false,
            profile: None,
            next_url,
            browser: BrowserEnv::from_process(),
            spinner: std::io::stderr().is_terminal(),
        }
    }
}

/// `setup` and `token new`: the file read (a broken one refused before anything else), the
/// profile named by `--profile` or MODAL_PROFILE.
pub fn exec(ctx: &Context, login: Login) -> Result<()> {
    let (_, store, config) = ctx.load(Load::Edit)?;
    with_writer(ctx, &store, |w| {
        setup(w, &config, ctx.chosen_profile(), ctx.interactive, login)
    })
}

/// `token rotate` on the profile in effect.
pub fn exec_rotate(ctx: &Context, args: cli::RotateArgs) -> Result<()> {
    let (path, store, config) = ctx.load(Load::Edit)?;
    let in_effect = ctx.resolve(&config, path).profile.value;
    let login = Login::rotate(args.login, args.verify, "");
    with_writer(ctx, &store, |w| {
        rotate(w, &config, &in_effect, ctx.interactive, login)
    })
}

/// `setup`: `config` is the file read by the caller (a broken one is refused before anything
/// else happens), `chosen` the profile named by `--profile` or MODAL_PROFILE, `interactive`
/// whether questions can be asked.
pub fn setup(
    w: &Writer<'_>,
    config: &Config,
    chosen: Option<Sourced<String>>,
    interactive: bool,
    args: Login,
) -> Result<()> {
    let on_command_line =
        args.profile.is_none() && chosen.as_ref().is_some_and(|p| p.origin.is_flag());
    let chosen = match &args.profile {
        Some(name) => Some(name.clone()),
        None => chosen.map(|p| p.value),
    };
    if let Some(profile) = &chosen
        && !config.contains(profile)
    {
        validate_new_profile_name(profile).map_err(|e| e.on_command_line(on_command_line))?;
    }
    let server_url = resolve::server_url_for(config, w.env, chosen.as_deref());
    let api = (w.connect)(&server_url)?;
    // Modal replaces without asking; on a terminal we ask, before the browser opens when the
    // profile is known (`--profile`, MODAL_PROFILE).
    let mut asked = false;
    if let Some(profile) = &chosen
        && let Some(previous) = config.profile(profile).and_then(|p| p.token_id())
        && interactive
        && !args.yes
    {
        let question =
            format!("Profile '{profile}' holds token {previous}. Replace it with a new one?");
        if !prompt::confirm(&question, false)? {
            return Err(Error::Cancelled);
        }
        asked = true;
    }

    let loopback = Loopback::bind(args.port)?;
    w.printer.debug(format_args!(
        "the loopback server listens on 127.0.0.1:{}{}",
        loopback.port(),
        if loopback.ipv6() { " and [::1]" } else { "" }
    ));
    let flow = api.create_flow(&FlowRequest {
        localhost_port: loopback.port(),
        utm_source: UTM_SOURCE.to_owned(),
        next_url: args.next_url.to_owned(),
        expires_in_seconds: args.expires_in_seconds,
    })?;
    loopback.serve(&flow.token_flow_id);
    show_url(w.printer, &flow, &args);
    let minted = wait(w.printer, api.as_ref(), &flow, args.timeout, args.spinner)?;
    drop(loopback);

    let credentials = check_minted(minted.credentials)?;
    // From here on any way out that does not write the new token revokes it (Ctrl-C too).
    let unwritten = Unwritten::new(&credentials.token_id, api.revoker(&credentials));
    let approved = Approved {
        args: &args,
        interactive,
        asked,
        api: api.as_ref(),
        credentials: &credentials,
        server_url: &server_url,
    };
    approved
        .keep(w, &unwritten, chosen, minted.workspace_username)
        .map_err(|error| unwritten.revoke(error))
}

/// An approved login's new token, on its way to the file.
struct Approved<'a> {
    args: &'a Login,
    interactive: bool,
    /// Whether "Replace it?" was asked before the browser opened.
    asked: bool,
    api: &'a dyn Server,
    credentials: &'a crate::api::Credentials,
    server_url: &'a Sourced<String>,
}

impl Approved<'_> {
    /// Checks the new token, names its profile, asks before replacing another token, writes
    /// it (through `unwritten`, which Ctrl-C waits for) and revokes the replaced one if asked.
    fn keep(
        &self,
        w: &Writer<'_>,
        unwritten: &Unwritten,
        chosen: Option<String>,
        workspace: Option<String>,
    ) -> Result<()> {
        let (args, credentials) = (self.args, self.credentials);
        w.printer
            .success("Web authentication finished successfully!");
        if let Some(workspace) = &workspace {
            w.printer.status(format_args!(
                "Token is connected to the {} workspace.",
                crate::text::sanitize(workspace)
            ));
        }
        let named = check_login(
            w.printer,
            self.api,
            credentials,
            args.verify,
            chosen.is_none(),
            workspace,
        )?;
        let profile = match (chosen, named) {
            (Some(profile), _) => profile,
            (None, named) => named.expect("asked for"),
        };

        // The profile was named after the workspace only now: ask now.
        let current = w.store.load()?;
        let previous = current
            .profile(&profile)
            .and_then(|p| p.token_id().map(str::to_owned));
        if let Some(previous) = previous.filter(|id| *id != credentials.token_id)
            && self.interactive
            && !args.yes
            && !self.asked
        {
            let question = format!("Profile '{profile}' holds token {previous}. Replace it?");
            if !prompt::confirm(&question, false)? {
                return Err(Error::Cancelled);
            }
        }
        let token = NewToken {
            profile: &profile,
            credentials,
            server_url: Some(self.server_url),
        };
        let saved = unwritten.write(|| w.save(&token, args.activate))?;
        if args.delete_existing {
            w.revoke_replaced(&token, &saved)?;
        }
        Ok(())
    }
}

/// How many times the check of a just-minted token is asked again when the server cannot be
/// reached (pauses of 0.5, 1 and 2 s: a blip right after the approval passes).
const CHECK_RETRIES: u32 = 3;

/// The check of a token the login just minted ([`verify_and_name`]). The token comes from the
/// server's own flow, so a server that cannot be reached for the check does not throw the
/// login away (which would leave the new token alive on the server with nobody holding it):
/// the check is asked again, as the wait is, and if the server still cannot be reached the
/// token is written unverified, with a warning, and its profile named from the login. A
/// token the server rejects is still refused.
fn check_login(
    printer: &Printer,
    api: &dyn Server,
    credentials: &crate::api::Credentials,
    verify: bool,
    name_it: bool,
    fallback: Option<String>,
) -> Result<Option<String>> {
    let mut pause = RETRY_FIRST;
    let mut retries = 0;
    loop {
        let checked = verify_and_name(printer, api, credentials, verify, name_it, fallback.clone());
        match checked {
            // As the wait.
            Err(Error::Unreachable { failure, cause, .. })
                if failure.is_transient() && retries < CHECK_RETRIES =>
            {
                printer.debug(format_args!(
                    "the check of the new token failed ({cause}); asking again in {}",
                    crate::text::seconds(pause)
                ));
                std::thread::sleep(pause);
                pause *= 2;
                retries += 1;
            }
            Err(error @ Error::Unreachable { .. }) => {
                printer.warn(format_args!(
                    "could not check the new token: {error}; it is written unverified (it comes from the server's own login); check it later with `modal-setup token info` (`--no-verify` skips the check)"
                ));
                return match (name_it, fallback) {
                    (false, _) => Ok(None),
                    (true, Some(workspace)) => profile_from_server(workspace).map(Some),
                    (true, None) => Ok(Some(DEFAULT_PROFILE.to_owned())),
                };
            }
            other => return other,
        }
    }
}

/// `token rotate`: a new token for the profile in effect through the browser, written before
/// the old one is revoked, so that a failure at any step leaves a working token in the file.
pub fn rotate(
    w: &Writer<'_>,
    config: &Config,
    in_effect: &str,
    interactive: bool,
    args: Login,
) -> Result<()> {
    let profile = config.profile(in_effect);
    if profile.is_none_or(|p| p.token_id().is_none()) {
        let create = format!("modal-setup setup --profile {}", shell_word(in_effect));
        let hint = match profile {
            Some(_) => format!(
                "profile '{in_effect}' of {} holds no token; create one with `{create}`",
                w.store.path().display()
            ),
            // That the profile is missing is said before the error.
            None => format!("log in with `{create}` to create the profile"),
        };
        return Err(Error::NoCredentials {
            what: "token to rotate",
            hint,
        });
    }
    w.printer
        .status(format_args!("Rotating the token of profile '{in_effect}'"));
    let args = Login {
        profile: Some(in_effect.to_owned()),
        delete_existing: true,
        // Rotation keeps the profile's place: active if it was, not otherwise.
        activate: false,
        yes: true,
        ..args
    };
    setup(w, config, None, interactive, args)
}

fn show_url(printer: &Printer, flow: &Flow, args: &Login) {
    let web_url = crate::text::sanitize(&flow.web_url);
    // The URL and the code go out even with --quiet: without them the login cannot finish.
    printer.required(format_args!(
        "Open this URL to log in to Modal:\n\n    {web_url}\n"
    ));
    if !flow.code.is_empty() {
        printer.required(format_args!(
            "Check that the page shows this code: {}",
            printer.bold(&crate::text::sanitize(&flow.code))
        ));
    }
    match browser::open(&flow.web_url, &args.browser, args.no_browser) {
        Ok(how) => printer.status(format_args!("Opened {how}.")),
        Err(NotOpened::Asked) => {}
        Err(NotOpened::Ssh) => {
            printer.status(
                "This is an SSH session, so no browser was opened here. Open the URL in a browser on any machine: the token comes back through Modal's server, not through this connection.",
            );
        }
        Err(NotOpened::NoDisplay) => {
            printer.status(
                "No display was found, so no browser was opened: open the URL in a browser on any machine.",
            );
        }
        Err(NotOpened::Failed(why)) => {
            printer.warn(format_args!("{why}; open the URL yourself"));
        }
    }
}

/// TokenFlowWait until the login is approved, `timeout` passes, or the server ends the flow.
/// A transient failure (UNAVAILABLE, a dropped connection) is retried with backoff within the
/// timeout, so that a network blip does not lose a login in progress.
fn wait(
    printer: &Printer,
    api: &dyn Server,
    flow: &Flow,
    timeout: Duration,
    spinner: bool,
) -> Result<Minted> {
    let deadline = Instant::now() + timeout;
    let _progress = printer.progress(
        format_args!(
            "Waiting for the login to be approved (up to {})",
            minutes(timeout)
        ),
        spinner,
    );
    wait_loop(printer, api, flow, deadline, timeout)
}

fn wait_loop(
    printer: &Printer,
    api: &dyn Server,
    flow: &Flow,
    deadline: Instant,
    timeout: Duration,
) -> Result<Minted> {
    let timed_out = || Error::TimedOut {
        url: crate::text::sanitize(&flow.web_url),
        waited_secs: timeout.as_secs(),
    };
    let mut pause = RETRY_FIRST;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out());
        }
        let asked = Instant::now();
        match api.wait_flow(flow, left) {
            Ok(Some(minted)) => return Ok(minted),
            // A server that says "not yet" long before the hold it was asked for would have
            // the loop spin: ask again after a pause that grows, as after a failure.
            Ok(None) if asked.elapsed() < left.min(FLOW_WAIT) / 2 => {
                std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(RETRY_MAX);
            }
            Ok(None) => pause = RETRY_FIRST,
            // The last wait ran into the login's own deadline.
            Err(Error::Unreachable {
                failure: NetFailure::Timeout(_),
                ..
            }) if Instant::now() >= deadline => return Err(timed_out()),
            Err(Error::Unreachable { failure, cause, .. }) if failure.is_transient() => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(timed_out());
                }
                printer.debug(format_args!(
                    "TokenFlowWait failed ({cause}); asking again in {}",
                    crate::text::seconds(pause)
                ));
                std::thread::sleep(pause.min(left));
                pause = (pause * 2).min(RETRY_MAX);
            }
            Err(error) => return Err(error),
        }
    }
}

fn minutes(duration: Duration) -> String {
    let secs = duration.as_secs();
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// The whole login in process, against the reference server (which approves by itself, after
/// checking the loopback as the page does): no process, no browser, a printer that keeps what
/// it is given.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ServerUrl, Settings};
    use crate::config::store::Store;
    use crate::output::Verbosity;

    const FILE: &str =
        "# mine\n[demo-workspace]\ntoken_id = \"ak-old\"\ntoken_secret = \"as-old\"\n";

    fn args() -> Login {
        Login {
            no_browser: true,
            port: None,
            timeout: Duration::from_secs(20),
            expires_in_seconds: 0,
            verify: true,
            activate: true,
            yes: true,
            delete_existing: true,
            profile: None,
            next_url: "/home",
            browser: BrowserEnv::default(),
            spinner: false,
        }
    }

    #[test]
    fn a_login_writes_the_workspace_profile_and_revokes_its_old_token() {
        let server = reference_server::ReferenceServer::start(reference_server::Options {
            auto_approve: Some(Duration::from_millis(20)),
            ..reference_server::Options::default()
        })
        .unwrap();
        let (old_id, old_secret) = server.mint_token();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modal.toml");
        std::fs::write(
            &path,
            FILE.replace("ak-old", &old_id)
                .replace("as-old", &old_secret),
        )
        .unwrap();
        let store = Store::new(&path);
        let printer = Printer::capturing(Verbosity::Normal);
        let env = crate::Env::from_pairs([("MODAL_SERVER_URL", server.api_url())]);
        let connect = |url: &Sourced<String>| {
            let api =
                crate::api::Api::new(ServerUrl::parse(&url.value, "test")?, Settings::default())?;
            Ok(Box::new(api) as Box<dyn Server>)
        };
        let w = Writer {
            printer: &printer,
            store: &store,
            env: &env,
            connect: &connect,
            interactive: false,
        };
        let config = store.load().unwrap();
        setup(&w, &config, None, false, args()).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with("# mine\n[demo-workspace]\ntoken_id = \"ak-"));
        assert!(!written.contains(&old_id), "{written}");
        let stderr = printer.captured().stderr;
        for said in [
            "Open this URL to log in to Modal:",
            "✓ Web authentication finished successfully!",
            "✓ Token verified successfully!",
            &format!("note: replaced token {old_id} in profile 'demo-workspace'"),
            &format!("✓ Revoked the previous token {old_id} of profile 'demo-workspace'"),
        ] {
            assert!(stderr.contains(said), "{said:?} not in:\n{stderr}");
        }
    }
}
