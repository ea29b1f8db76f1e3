//! Times the last step of the login: from the dashboard posting a valid callback to the CLI's
//! success page (and to the CLI having written the config and exited), with `--no-verify`.
//! Used by scripts/bench-cli: `cargo run --release --example bench_callback -- BINARY [RUNS]`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use modal_setup::dashboard::{Dashboard, Options};

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args.next().expect("usage: bench_callback BINARY [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(30);
    let dashboard = Dashboard::start(Options {
        auto_approve: Some(Duration::ZERO),
        ..Options::default()
    })
    .expect("start the dashboard");
    let dir = tempfile::tempdir().expect("a temp dir");
    let config = dir.path().join("modal.toml");
    let (mut answered, mut written) = (Vec::new(), Vec::new());
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
            .env("MODAL_SERVER_URL", dashboard.url())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run modal-setup");
        let exited = Instant::now();
        assert!(status.success(), "run {run} failed: {status}");
        let handoff = *dashboard
            .handoffs()
            .last()
            .expect("the dashboard posted the callback");
        assert_eq!(handoff.status, 200);
        answered.push(handoff.answered - handoff.sent);
        written.push(exited - handoff.sent);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    println!("runs {runs}");
    println!("callback_to_success_page_ms {:.3}", median(&mut answered));
    println!(
        "callback_to_config_written_and_exit_ms {:.3}",
        median(&mut written)
    );
}
