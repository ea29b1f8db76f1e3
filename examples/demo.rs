//! The whole wizard in one command, against the reference dashboard, writing
//! `./demo.modal.toml` (never `~/.modal.toml`): `cargo run --example demo`.
//!
//! Where a browser can be opened it opens it, and you approve the login there. Elsewhere (no
//! display, SSH, CI) it prints the URL and the dashboard approves by itself, so it finishes
//! anywhere. `--auto-approve` forces that.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use modal_setup::Env;
use modal_setup::commands::setup::{self, SetupArgs};
use modal_setup::commands::{Context, profile};
use modal_setup::dashboard::{Dashboard, Options};
use modal_setup::env::MODAL_SERVER_URL;
use modal_setup::flow::browser::BrowserEnv;
use modal_setup::output::{Printer, Verbosity};

const DEMO_CONFIG: &str = "demo.modal.toml";

fn main() -> ExitCode {
    let force_auto = std::env::args().any(|a| a == "--auto-approve");
    let browser = BrowserEnv::from_process();
    let has_browser = browser.browser.is_some() || (browser.display && !browser.ssh);
    let auto_approve = force_auto || !has_browser;

    let dashboard = match Dashboard::start(Options {
        auto_approve: auto_approve.then_some(Duration::from_secs(2)),
        ..Options::default()
    }) {
        Ok(dashboard) => dashboard,
        Err(e) => {
            eprintln!("error: could not start the reference dashboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("Reference dashboard at {}", dashboard.url());
    if auto_approve {
        eprintln!(
            "No browser here (or --auto-approve): the dashboard will approve the login by itself.\n"
        );
    } else {
        eprintln!("Approve the login in the browser window that opens.\n");
    }

    let printer = Printer::for_terminal(
        Verbosity::Normal,
        Default::default(),
        std::env::var_os("NO_COLOR").is_some(),
    );
    let ctx = Context {
        env: Env::from_pairs([(MODAL_SERVER_URL, dashboard.url())]),
        config_flag: Some(PathBuf::from(DEMO_CONFIG)),
        profile_flag: None,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        printer: printer.clone(),
    };
    let args = SetupArgs {
        no_browser: auto_approve,
        port: None,
        timeout: setup::DEFAULT_TIMEOUT,
        verify: true,
        activate: true,
        yes: false,
        delete_existing: false,
        profile: None,
        browser,
        spinner: std::io::stderr().is_terminal(),
    };
    let result = setup::setup(&ctx, args).and_then(|()| {
        eprintln!("\nProfiles in {DEMO_CONFIG}:");
        profile::list(&ctx, profile::ListFormat::Table, false)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            printer.error(&error);
            ExitCode::from(error.exit() as u8)
        }
    }
}
