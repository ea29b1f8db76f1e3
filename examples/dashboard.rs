//! The reference dashboard as a server for people: `cargo run --example dashboard`.
//!
//! Then, in another terminal: `MODAL_SERVER_URL=http://127.0.0.1:PORT modal-setup setup`.

use std::time::Duration;

use clap::Parser;
use modal_setup::dashboard::{Dashboard, Fault, Options};

/// Serves the modal-setup login protocol (docs/protocol.md) from memory on 127.0.0.1.
#[derive(Parser)]
struct Args {
    /// Port to listen on [default: a free one]
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Workspace the minted tokens belong to
    #[arg(long, default_value = "demo-workspace")]
    workspace: String,

    /// User shown as signed in
    #[arg(long, default_value = "demo-user")]
    user: String,

    /// Approve every login by itself, without a browser
    #[arg(long)]
    auto_approve: bool,

    /// Seconds a login stays open
    #[arg(long, default_value_t = 600)]
    flow_ttl: u64,

    /// Answer requests starting with ROUTE with STATUS, e.g. `--fail "GET /v1/whoami=500"`
    #[arg(long, value_name = "ROUTE=STATUS")]
    fail: Vec<String>,

    /// Never answer requests starting with ROUTE, e.g. `--hang "GET /v1/whoami"`
    #[arg(long, value_name = "ROUTE")]
    hang: Vec<String>,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let dashboard = Dashboard::start(Options {
        port: args.port,
        workspace: args.workspace,
        user: args.user,
        auto_approve: args.auto_approve.then_some(Duration::from_millis(500)),
        flow_ttl: Duration::from_secs(args.flow_ttl),
    })?;
    for rule in &args.fail {
        let Some((route, status)) = rule.rsplit_once('=') else {
            eprintln!("error: --fail takes ROUTE=STATUS, e.g. \"GET /v1/whoami=500\"");
            std::process::exit(2);
        };
        let Ok(status) = status.parse::<u16>() else {
            eprintln!("error: {status} is not an HTTP status");
            std::process::exit(2);
        };
        dashboard.set_fault(route, Some(Fault::Status(status)));
    }
    for route in &args.hang {
        dashboard.set_fault(route, Some(Fault::Hang));
    }
    println!("MODAL_SERVER_URL={}", dashboard.url());
    eprintln!("Reference dashboard ready; press Ctrl-C to stop.");
    loop {
        std::thread::park();
    }
}
