//! The README's "Try it" commands, run as written: they use the binaries one build makes, and
//! they leave the user's real `~/.modal.toml` alone.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::TestEnv;
use crate::support::browser::{Agent, approve};

const WAIT: Duration = Duration::from_secs(30);

/// The shell lines of the "Try it" section's second block, comments dropped.
fn try_it_lines() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Try it")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Try it section");
    let block = section
        .split("```sh\n")
        .nth(2)
        .and_then(|rest| rest.split("```").next())
        .expect("a second sh block in Try it");
    block
        .lines()
        .map(|line| line.split("  #").next().unwrap().trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

/// Every line of the README and docs/ that points a client at the reference server names a config file of its
/// own under target/ (ignored by git), so that none writes into `~/.modal.toml`.
#[test]
fn every_line_against_the_reference_server_leaves_the_real_config_alone() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let dashboard = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dashboard.rs"),
    )
    .unwrap();
    let docs: String = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let text = format!("{readme}\n{docs}\n{}", dashboard.replace("\n//! ", " "));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("MODAL_SERVER_URL=http://127.0.0.1:PORT "))
        .collect();
    assert!(lines.len() >= 3, "{lines:?}");
    for line in lines {
        assert!(
            line.contains("MODAL_CONFIG_PATH=target/"),
            "writes into ~/.modal.toml: {line}"
        );
    }
}

/// Kills the dashboard when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The second block run as written (with the build's own target directory): the dashboard,
/// then `modal-setup setup` against it, approved in the login pages as a person would.
#[test]
fn the_try_it_lines_log_in_against_the_dashboard() {
    let lines = try_it_lines();
    assert_eq!(lines[0], "cargo build --bins --examples", "{lines:?}");
    let test = "readme::the_try_it_lines_log_in_against_the_dashboard";
    if crate::support::example("dashboard", test).is_none() {
        return;
    }
    let bin_dir = Path::new(crate::support::BIN).parent().unwrap();
    let with_build = |line: &str| line.replace("target/debug/", &format!("{}/", bin_dir.display()));
    let mut t = TestEnv::new();
    t.remove_env("MODAL_CONFIG_PATH");
    std::fs::create_dir(t.dir().join("target")).unwrap();

    assert_eq!(lines[1], "target/debug/examples/dashboard");
    let mut dashboard = Killed(
        Command::new(with_build(&lines[1]))
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut printed = String::new();
    BufReader::new(dashboard.0.stdout.take().unwrap())
        .read_line(&mut printed)
        .unwrap();
    let api = printed
        .trim()
        .strip_prefix("export MODAL_SERVER_URL=")
        .unwrap()
        .to_owned();
    let mut said = String::new();
    let mut log = BufReader::new(dashboard.0.stderr.take().unwrap());
    log.read_line(&mut said).unwrap();
    let web = said
        .split("login pages at ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap()
        .to_owned();

    let port = api.rsplit(':').next().unwrap();
    let setup = with_build(&lines[2]).replace("PORT", port);
    let running = t.cmd_of(Path::new("sh"), &["-c", &setup]).spawn();
    let shown = running.wait_for("/token-flow/", WAIT);
    let url = shown
        .lines()
        .map(str::trim)
        .find(|l| l.contains("/token-flow/"))
        .unwrap()
        .to_owned();
    let done = approve(&mut Agent::new(), &url, &web);
    assert_eq!(done.status, 200, "{}", done.body);
    running.finish(WAIT).success();

    let written = std::fs::read_to_string(t.dir().join("target/try.modal.toml")).unwrap();
    assert!(written.contains("[demo-workspace]"), "{written}");
    // The dashboard said each call it answered, with the token id and never its secret.
    drop(dashboard);
    let mut calls = String::new();
    std::io::Read::read_to_string(&mut log, &mut calls).unwrap();
    assert!(
        calls.contains("TokenFlowCreate (no token): admitted"),
        "{calls}"
    );
    assert!(calls.contains("ClientHello ak-"), "{calls}");
    crate::support::assert_no_secret(&calls);
    assert!(
        !t.home.join(".modal.toml").exists(),
        "the real config was written"
    );
}

/// The ```console blocks of the README and docs/commands.md run as written (trycmd), on a fresh home of their own and
/// an empty environment: `modal-setup` there is a wrapper that runs the binary under `env -i`,
/// so nothing of the caller's environment reaches them.
#[test]
fn the_console_examples_run_as_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let wrapper = dir.path().join("modal-setup");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec env -i HOME='{}' NO_COLOR=1 '{}' \"$@\"\n",
            home.display(),
            crate::support::BIN
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cases = trycmd::TestCases::new();
    cases.register_bin("modal-setup", wrapper.as_path());
    cases
        .insert_var("[HOME]", home.display().to_string())
        .unwrap();
    for file in ["README.md", "docs/commands.md"] {
        cases.case(Path::new(env!("CARGO_MANIFEST_DIR")).join(file));
    }
    cases.run();
}
