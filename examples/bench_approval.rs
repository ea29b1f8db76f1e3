//! Times the last step of the login: from the server approving the flow (which completes the
//! waiting TokenFlowWait) to the CLI having written the config and exited, with `--no-verify`.
//! Used by scripts/bench-cli: `cargo run --release --example bench_approval -- BINARY [RUNS]`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reference_server::{Options, ReferenceServer};

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args.next().expect("usage: bench_approval BINARY [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(30);
    let server = ReferenceServer::start(Options {
        // Long enough for the CLI to be waiting in TokenFlowWait when the approval comes.
        auto_approve: Some(Duration::from_millis(200)),
        ..Options::default()
    })
    .expect("start the reference server");
    let dir = tempfile::tempdir().expect("a temp dir");
    let config = dir.path().join("modal.toml");
    let mut written = Vec::new();
    for run in 0..runs {
        let status = Command::new(&binary)
            .args([
                "setup",
                "--no-verify",
                "--no-browser",
                "--profile",
                &format!("bench-{run}"),
            ])
            .env_clear()
            .env("HOME", dir.path())
            .env("MODAL_CONFIG_PATH", &config)
            .env("MODAL_SERVER_URL", server.api_url())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run modal-setup");
        let exited = Instant::now();
        assert!(status.success(), "run {run} failed: {status}");
        let approved = *server
            .approvals()
            .last()
            .expect("the server approved the login");
        written.push(exited - approved);
    }
    written.sort();
    let median = written[written.len() / 2].as_secs_f64() * 1e3;
    println!("runs {runs}");
    println!("approval_to_config_written_and_exit_ms {median:.3}");
}
