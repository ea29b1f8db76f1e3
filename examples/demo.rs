//! The whole wizard in one command, against the reference server, writing
//! `demo.modal.toml` at the root of the checkout (never `~/.modal.toml`), wherever it is started
//! from: `cargo run --example demo`.
//!
//! Where a browser can be opened it opens it, and you approve the login there. Elsewhere (no
//! display, SSH, CI) it prints the URL and the server approves by itself (after checking the
//! CLI's loopback, as the page does), so it finishes anywhere. `--auto-approve` forces that.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use modal_setup::Env;
use modal_setup::commands::setup::{self, Login};
use modal_setup::commands::{Context, profile};
use modal_setup::env::MODAL_SERVER_URL;
use modal_setup::flow::browser::BrowserEnv;
use modal_setup::output::{Printer, Verbosity};
use reference_server::{Options, ReferenceServer};

/// Runs `modal-setup setup` against a local reference server (a stand-in for Modal's API and
/// login pages) and writes the token into a config file of its own, never ~/.modal.toml.
#[derive(Parser)]
#[command(name = "demo", bin_name = "cargo run --example demo --")]
struct Args {
    /// Let the server approve the login by itself (after checking the CLI's loopback), as it
    /// does where no browser can be opened
    #[arg(long)]
    auto_approve: bool,

    /// The config file to write
    #[arg(long, value_name = "PATH", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/demo.modal.toml"))]
    config: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    modal_setup::interrupt::install();
    let force_auto = args.auto_approve;
    let browser = BrowserEnv::from_process();
    let has_browser = browser.browser.is_some() || (browser.display && !browser.ssh);
    let auto_approve = force_auto || !has_browser;

    let server = match ReferenceServer::start(Options {
        auto_approve: auto_approve.then_some(Duration::from_secs(2)),
        ..Options::default()
    }) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: could not start the reference server: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "Reference server: API at {}, login pages at {}",
        server.api_url(),
        server.web_url()
    );
    if auto_approve {
        eprintln!(
            "No browser here (or --auto-approve): the reference server approves the login itself, in about 2 s.\n"
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
        env: Env::from_pairs([(MODAL_SERVER_URL, server.api_url())]),
        config_flag: Some(args.config.clone()),
        profile_flag: None,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        printer: printer.clone(),
    };
    let config_path = args.config;
    let args = Login {
        no_browser: auto_approve,
        port: None,
        timeout: setup::DEFAULT_TIMEOUT,
        expires_in_seconds: 0,
        verify: true,
        activate: true,
        // A second run replaces the first one's token without stopping to ask.
        yes: true,
        delete_existing: false,
        profile: None,
        next_url: "/home",
        browser,
        spinner: std::io::stderr().is_terminal(),
    };
    let result = setup::exec(&ctx, args).and_then(|()| {
        eprintln!("\nProfiles in {}:", config_path.display());
        let config = modal_setup::config::store::Store::new(&config_path).load()?;
        let in_effect = modal_setup::config::resolve::profile_in_effect(&config, &ctx.env, None);
        profile::list(
            &printer,
            &config,
            &in_effect.value,
            None,
            profile::ListFormat::Table,
        )
    });
    match result {
        Ok(()) => {
            eprintln!(
                "\nThe token in {} names this demo's server, which stops now. Next, try \
                 `cargo run --example dashboard` for a server that stays up, or \
                 `modal-setup setup` for Modal itself.",
                config_path.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            printer.error(&error);
            ExitCode::from(error.exit() as u8)
        }
    }
}
