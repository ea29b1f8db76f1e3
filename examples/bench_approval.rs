//! Times the last step of the login: from the server approving the flow (which completes the
//! waiting TokenFlowWait) to the CLI having written the config and exited, without
//! verification, for modal-setup and, when given, Modal's own `modal` (interleaved runs).
//! Used by scripts/bench-cli:
//! `cargo run --release --example bench_approval -- MODAL_SETUP [MODAL] [RUNS]`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reference_server::{Options, ReferenceServer};

fn main() {
    let mut args = std::env::args().skip(1);
    let ours = args
        .next()
        .expect("usage: bench_approval MODAL_SETUP [MODAL] [RUNS]");
    let (modal, runs) = match args.next() {
        Some(runs) if runs.parse::<usize>().is_ok() => (None, runs.parse().unwrap()),
        Some(modal) => (
            Some(modal),
            args.next().and_then(|r| r.parse().ok()).unwrap_or(30),
        ),
        None => (None, 30),
    };
    let server = ReferenceServer::start(Options {
        // Long enough for the CLI to be waiting in TokenFlowWait when the approval comes.
        auto_approve: Some(Duration::from_millis(300)),
        ..Options::default()
    })
    .expect("start the reference server");
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut ours_ms = Vec::new();
    let mut modal_ms = Vec::new();
    for run in 0..runs {
        let profile = format!("bench-{run}");
        ours_ms.push(time(
            &server,
            Command::new(&ours).args([
                "setup",
                "--no-verify",
                "--no-browser",
                "--profile",
                &profile,
            ]),
            dir.path(),
        ));
        if let Some(modal) = &modal {
            // `modal token new` is `modal setup` with --no-verify; BROWSER=true makes it print
            // the URL instead of opening one.
            modal_ms.push(time(
                &server,
                Command::new(modal)
                    .env_clear()
                    .args(["token", "new", "--no-verify", "--profile", &profile])
                    .env("BROWSER", "true"),
                dir.path(),
            ));
        }
    }
    println!("runs {runs}");
    println!(
        "approval_to_config_written_and_exit_ms {:.3}",
        median(ours_ms)
    );
    if modal.is_some() {
        println!(
            "modal_approval_to_config_written_and_exit_ms {:.3}",
            median(modal_ms)
        );
    }
}

/// Milliseconds from the server's approval to the process's exit.
fn time(server: &ReferenceServer, command: &mut Command, dir: &std::path::Path) -> f64 {
    let status = command
        .env("HOME", dir)
        .env("MODAL_CONFIG_PATH", dir.join("modal.toml"))
        .env("MODAL_SERVER_URL", server.api_url())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run the CLI");
    let exited = Instant::now();
    assert!(status.success(), "{command:?} failed: {status}");
    let approved = *server
        .approvals()
        .last()
        .expect("the server approved the login");
    (exited - approved).as_secs_f64() * 1e3
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
