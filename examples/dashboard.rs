//! The reference server for people: `cargo run --example dashboard`. It prints the line to
//! paste, `export MODAL_SERVER_URL=…` (its gRPC API), and then each call it answers on stderr;
//! its login pages are on a second port, as api.modal.com and modal.com are two hosts.
//!
//! Then, in another terminal (a config file of its own, so that the real `~/.modal.toml` is
//! left alone): `MODAL_SERVER_URL=http://127.0.0.1:PORT MODAL_CONFIG_PATH=target/try.modal.toml
//! target/debug/modal-setup setup`.

use std::time::Duration;

use clap::Parser;
use reference_server::{Fault, Options, RPCS, ReferenceServer};

/// A local stand-in for Modal's API and login pages (docs/protocol.md), on 127.0.0.1.
#[derive(Parser)]
struct Args {
    /// Port of the gRPC API (0: a free one)
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    port: u16,

    /// Port of the login pages (0: a free one)
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    web_port: u16,

    /// Workspace the minted tokens belong to
    #[arg(long, default_value = "demo-workspace")]
    workspace: String,

    /// User shown as signed in
    #[arg(long, default_value = "demo-user")]
    user: String,

    /// Approve every login by itself (after checking the CLI's loopback), without a browser
    #[arg(long)]
    auto_approve: bool,

    /// Seconds a login stays open
    #[arg(long, default_value_t = 600)]
    flow_ttl: u64,

    /// Answer calls of RPC with a gRPC status, e.g. `--fail ClientHello=UNAVAILABLE`
    #[arg(long, value_name = "RPC=CODE")]
    fail: Vec<String>,

    /// Never answer calls of RPC, e.g. `--hang TokenDelete`
    #[arg(long, value_name = "RPC")]
    hang: Vec<String>,

    /// Do not show each call on stderr
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let known = |rpc: &str| {
        if !RPCS.contains(&rpc) {
            eprintln!(
                "error: unknown RPC '{rpc}'; the RPCs are {}",
                RPCS.join(", ")
            );
            std::process::exit(2);
        }
    };
    let mut faults = Vec::new();
    for rule in &args.fail {
        let Some((rpc, code)) = rule.rsplit_once('=') else {
            eprintln!("error: --fail takes RPC=CODE, e.g. ClientHello=UNAVAILABLE");
            std::process::exit(2);
        };
        known(rpc);
        let Some(fault) = Fault::parse_status(code) else {
            eprintln!("error: '{code}' is not a gRPC status code such as UNAVAILABLE or 14");
            std::process::exit(2);
        };
        faults.push((rpc.to_owned(), fault));
    }
    for rpc in &args.hang {
        known(rpc);
        faults.push((rpc.clone(), Fault::Hang));
    }
    let server = ReferenceServer::start(Options {
        api_port: args.port,
        web_port: args.web_port,
        workspace: args.workspace,
        user: args.user,
        auto_approve: args.auto_approve.then_some(Duration::from_millis(500)),
        flow_ttl: Duration::from_secs(args.flow_ttl),
        log_calls: !args.quiet,
        ..Options::default()
    })?;
    for (rpc, fault) in faults {
        server.set_fault(&rpc, Some(fault));
    }
    println!("export MODAL_SERVER_URL={}", server.api_url());
    eprintln!(
        "Reference server ready (login pages at {}); press Ctrl-C to stop.\n\
         Paste the line above into another terminal, then try: \
         MODAL_CONFIG_PATH=target/try.modal.toml target/debug/modal-setup setup\n\
         Each call is shown here as it comes (its RPC, token id and whether it was admitted).",
        server.web_url()
    );
    loop {
        std::thread::park();
    }
}
