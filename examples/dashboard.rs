//! The reference dashboard as a server for people: `cargo run --example dashboard`.
//!
//! Then, in another terminal: `MODAL_SERVER_URL=http://127.0.0.1:PORT modal-setup setup`.

use std::time::Duration;

use clap::Parser;
use modal_setup::dashboard::{Dashboard, Options};

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
    println!("MODAL_SERVER_URL={}", dashboard.url());
    eprintln!("Reference dashboard ready; press Ctrl-C to stop.");
    loop {
        std::thread::park();
    }
}
