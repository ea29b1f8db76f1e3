//! `setup` (also bare `modal-setup` and `token new`): the browser login.
//!
//! Bind the loopback callback, create the flow on the server, show the URL and pairing code,
//! open the browser, wait for the one valid callback, verify the token, write it.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use super::token::{NewToken, revoke_replaced, save};
use crate::config::DEFAULT_PROFILE;
use crate::config::edit::validate_new_profile_name;
use crate::error::{Error, Result};
use crate::flow::browser::{self, BrowserEnv, NotOpened};
use crate::flow::callback::{Approval, CallbackServer, Outcome};
use crate::flow::interrupt;
use crate::flow::protocol::{CreateFlow, Flow, origin_of};
use crate::output::Verbosity;
use crate::prompt;

/// The default `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug)]
pub struct SetupArgs {
    pub no_browser: bool,
    pub port: Option<u16>,
    pub timeout: Duration,
    pub verify: bool,
    pub activate: bool,
    /// Replace a different token in an existing profile without asking.
    pub yes: bool,
    /// Revoke the profile's previous token once the new one is written.
    pub delete_existing: bool,
    /// The profile to write, above `--profile` and MODAL_PROFILE (for `token rotate`).
    pub profile: Option<String>,
    pub browser: BrowserEnv,
    /// Whether the spinner may draw (stderr is a terminal).
    pub spinner: bool,
}

pub fn setup(ctx: &Context, args: SetupArgs) -> Result<()> {
    interrupt::exit_130_on_interrupt();
    // Refuse a broken config file before anything else happens.
    let (path, store, config) = ctx.load_to_edit()?;
    let chosen = match &args.profile {
        Some(name) => Some(name.clone()),
        None => ctx.chosen_profile().map(|p| p.value),
    };
    if let Some(profile) = &chosen
        && !config.contains(profile)
    {
        validate_new_profile_name(profile)?;
    }
    let server_url = ctx.server_url_for(&config, chosen.as_deref());

    let callback = CallbackServer::bind(args.port)?;
    let api = ctx.api(&server_url)?;
    ctx.printer.debug(&format!(
        "listening on 127.0.0.1:{} for the callback",
        callback.port()
    ));
    let flow = api.create_flow(&CreateFlow {
        callback_url: callback.callback_url(),
        state: callback.state().expose().to_owned(),
        device_name: hostname(),
        client: concat!("modal-setup/", env!("CARGO_PKG_VERSION")).to_owned(),
    })?;
    let dashboard_origin = origin_of(&flow.web_url).ok_or_else(|| Error::FlowFailed {
        reason: format!("the server sent an unusable web_url: {}", flow.web_url),
    })?;
    show_url(ctx, &flow, callback.port(), &args);

    let timeout = args
        .timeout
        .min(Duration::from_secs(flow.expires_in.max(1)));
    let approval = wait(
        ctx,
        callback,
        &flow,
        &dashboard_origin,
        timeout,
        args.spinner,
    )?;

    let workspace = if args.verify {
        ctx.printer
            .status(&format!("Verifying token against {}", server_url.value));
        let whoami = api.whoami(&approval.token_id, &approval.token_secret)?;
        ctx.printer
            .success(&format!("Token verified: workspace {}", whoami.workspace));
        Some(whoami.workspace)
    } else {
        approval.workspace.clone()
    };
    let profile = chosen
        .or(workspace)
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());

    // Modal replaces without asking; on a terminal we ask first.
    let current = store.load()?;
    let previous = current
        .profile(&profile)
        .and_then(|p| p.token_id().map(str::to_owned));
    if let Some(previous) = previous.filter(|id| *id != approval.token_id)
        && ctx.interactive
        && !args.yes
    {
        let question = format!("Profile '{profile}' holds token {previous}. Replace it?");
        if !prompt::confirm(&question, true)? {
            return Err(Error::Cancelled);
        }
    }
    let token = NewToken {
        profile: &profile,
        token_id: &approval.token_id,
        token_secret: &approval.token_secret,
        server_url: Some(&server_url),
    };
    let (replaced, server_url) = save(ctx, &store, &path.value, &token, args.activate)?;
    if args.delete_existing {
        revoke_replaced(ctx, &token, &server_url, replaced.as_deref())?;
    }
    Ok(())
}

/// `token rotate`: a new token for the profile in effect through the browser, written before
/// the old one is revoked, so that a failure at any step leaves a working token in the file.
pub fn rotate(ctx: &Context, args: SetupArgs) -> Result<()> {
    let (path, _, config) = ctx.load_to_edit()?;
    let resolved = ctx.resolve(&config, path);
    let profile = resolved.profile.value;
    let has_token = config
        .profile(&profile)
        .is_some_and(|p| p.token_id().is_some());
    if !has_token {
        return Err(Error::NoCredentials {
            what: "token to rotate",
            hint: format!(
                "profile '{profile}' of {} holds no token; create one with `modal-setup setup --profile {profile}`",
                resolved.config_path.value.display()
            ),
        });
    }
    ctx.printer
        .status(&format!("Rotating the token of profile {profile}"));
    setup(
        ctx,
        SetupArgs {
            profile: Some(profile),
            delete_existing: true,
            // Rotation keeps the profile's place: active if it was, not otherwise.
            activate: false,
            yes: true,
            ..args
        },
    )
}

fn show_url(ctx: &Context, flow: &Flow, port: u16, args: &SetupArgs) {
    let printer = &ctx.printer;
    // The URL and the code go out even with --quiet: without them the login cannot finish.
    eprintln!(
        "Open this URL to log in to Modal:\n\n    {}\n",
        flow.web_url
    );
    eprintln!(
        "Pairing code: {}  (check that the page shows the same)",
        printer.bold(&flow.code)
    );
    match browser::open(&flow.web_url, &args.browser, args.no_browser) {
        Ok(how) => printer.status(&format!("Opened {how}.")),
        Err(NotOpened::Asked) => {}
        Err(NotOpened::Ssh) => {
            printer.status("This is an SSH session, so no browser was opened here.");
            printer.status(&format!(
                "Open the URL on your own computer after forwarding the callback port:\n\n    ssh -L {port}:127.0.0.1:{port} <this host>\n"
            ));
            if args.port.is_none() {
                printer.status(
                    "(Pass --port PORT to choose the port in advance, e.g. in ~/.ssh/config.)",
                );
            }
        }
        Err(NotOpened::NoDisplay) => {
            printer
                .status("No display was found, so no browser was opened: open the URL yourself.");
        }
        Err(NotOpened::Failed(why)) => {
            printer.warn(&format!("{why}; open the URL yourself"));
        }
    }
}

fn wait(
    ctx: &Context,
    callback: CallbackServer,
    flow: &Flow,
    dashboard_origin: &str,
    timeout: Duration,
    spinner: bool,
) -> Result<Approval> {
    let deadline = Instant::now() + timeout;
    let bar = (spinner && ctx.printer.verbosity() != Verbosity::Quiet).then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}").expect("the template is valid"),
        );
        bar
    });
    if bar.is_none() {
        ctx.printer.status(&format!(
            "Waiting for the login in the browser (up to {})...",
            minutes(timeout)
        ));
    }
    let outcome = callback.wait(&flow.flow_id, dashboard_origin, deadline, |left| {
        if let Some(bar) = &bar {
            bar.set_message(format!(
                "Waiting for the login in the browser ({} left, Ctrl-C to cancel)",
                minutes(left)
            ));
            bar.tick();
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match outcome? {
        Some(Outcome::Approved(approval)) => {
            ctx.printer.success("Login approved in the browser");
            Ok(approval)
        }
        Some(Outcome::Denied { error }) => Err(Error::Denied { error }),
        None => Err(Error::TimedOut {
            url: flow.web_url.clone(),
            waited_secs: timeout.as_secs(),
        }),
    }
}

fn minutes(duration: Duration) -> String {
    let secs = duration.as_secs();
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// This machine's name, shown on the approval page.
fn hostname() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it.
    let ok = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) } == 0;
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    let name = String::from_utf8_lossy(&buffer[..end]).into_owned();
    if ok && !name.is_empty() {
        name
    } else {
        "unknown device".into()
    }
}
