//! The npm packages, installed as a user installs them: the `modal-setup` launcher runs the
//! platform package's binary with the same arguments, stdin and exit code; a whole `setup`
//! goes through it; Ctrl-C at a terminal ends it with 130 and the terminal as it was.
//!
//! `scripts/npm-test` (run by .ci/run) packs and installs the packages into a project and
//! names it in MODAL_SETUP_NPM_PROJECT. Without it the tests say SKIPPED on the terminal,
//! except under MODAL_SETUP_REQUIRE_NPM=1, where that fails.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use modal_setup::Exit;

use crate::support::browser::{Agent, BrowserScript, approve};
use crate::support::words;
use crate::support::{TestEnv, TestServer};

const WAIT: Duration = Duration::from_secs(20);

/// The launcher npm put on the project's PATH (what `npx modal-setup` runs) in the project
/// scripts/npm-test made (target/npm/project, or MODAL_SETUP_NPM_PROJECT), or `None`.
fn launcher(test: &str) -> Option<PathBuf> {
    let project = std::env::var_os("MODAL_SETUP_NPM_PROJECT").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/npm/project"),
        PathBuf::from,
    );
    let bin = project.join("node_modules/.bin/modal-setup");
    if bin.exists() {
        return Some(bin);
    }
    crate::support::skip(
        &format!("npm::{test}"),
        crate::support::Needs::Npm,
        &format!("no npm packages are installed in {}", project.display()),
    );
    None
}

#[test]
fn a_whole_setup_runs_through_the_launcher() {
    let Some(bin) = launcher("a_whole_setup_runs_through_the_launcher") else {
        return;
    };
    let mut t = TestEnv::new();
    let server = TestServer::start();
    t.set_env("MODAL_SERVER_URL", server.url());
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let running = t.cmd_of(&bin, &["setup", "--profile", "npm"]).spawn();
    let url = browser.wait_for_url(WAIT);
    let done = approve(&mut Agent::new(), &url, server.web_url());
    assert_eq!(done.status, 200, "{}", done.body);
    running
        .finish(WAIT)
        .success()
        .stderr_has("Token verified successfully!")
        .stderr_has("in profile 'npm'; it is the active profile");
    let written = t.read();
    assert!(written.contains("[npm]\ntoken_id = \"ak-"), "{written}");
}

#[test]
fn arguments_stdin_and_exit_codes_pass_through() {
    let Some(bin) = launcher("arguments_stdin_and_exit_codes_pass_through") else {
        return;
    };
    let t = TestEnv::new();
    t.cmd_of(&bin, &words("token set --id ak-npm --secret - --no-verify"))
        .stdin("as-npm\n")
        .run()
        .success();
    assert!(t.read().contains("token_id = \"ak-npm\""));
    // Each documented code comes back as the binary gave it.
    t.cmd_of(&bin, &["profile", "activate", "nope"])
        .run()
        .code(Exit::Failure)
        .stderr_has("nope");
    t.cmd_of(&bin, &["--no-such-flag"]).run().code(Exit::Usage);
    t.cmd_of(&bin, &["--version"])
        .run()
        .success()
        .stdout_is(&format!(
            "modal-setup {}
",
            env!("CARGO_PKG_VERSION")
        ));
}

/// Ctrl-C while the login waits: the launcher outlives the binary, which restores the terminal
/// and exits 130, and passes that on; nothing is written.
#[test]
fn ctrl_c_through_the_launcher_exits_130_and_restores_the_terminal() {
    let Some(bin) = launcher("ctrl_c_through_the_launcher_exits_130_and_restores_the_terminal")
    else {
        return;
    };
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n");
    let before = t.read();
    let server = TestServer::start();
    let mut bash = Command::new("bash");
    bash.args([
        "--norc",
        "-c",
        &format!(
            "stty -a; echo before-the-command; '{}' setup --no-browser --profile b; echo \"exit=$?\"; stty -a",
            bin.display()
        ),
    ])
    .env_clear()
    .env("HOME", &t.home)
    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
    .env("NO_COLOR", "1")
    .env("MODAL_CONFIG_PATH", &t.config)
    .env("MODAL_SERVER_URL", server.url());
    let mut session = rexpect::session::spawn_command(bash, Some(20_000)).unwrap();
    let (settings_before, _) = session.exp_regex("before-the-command").unwrap();
    // At a terminal the wait is a spinner: the code shown means the login is waiting.
    session
        .exp_string("Check that the page shows this code: ")
        .unwrap();
    session.send("\x03").unwrap();
    session.flush().unwrap();
    let (said, code) = session.exp_regex("exit=[0-9]+").unwrap();
    let settings = session.exp_eof().unwrap();
    assert_eq!(code, "exit=130", "{said:?}");
    assert!(
        said.contains("interrupted; nothing was written"),
        "{said:?}"
    );
    let words =
        |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_owned).collect() };
    assert_eq!(
        words(&settings),
        words(&settings_before),
        "the terminal was not restored"
    );
    assert_eq!(t.read(), before);
}

/// The launcher's table of platforms and what it says without a binary, run by node.
#[test]
fn a_platform_without_a_package_is_named_with_what_to_do() {
    let Some(_) = launcher("a_platform_without_a_package_is_named_with_what_to_do") else {
        return;
    };
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("npm/modal-setup/bin/modal-setup.js");
    let output = Command::new("node")
        .arg("-e")
        .arg(format!(
            "const l = require({:?});
             console.log(l.packageFor('linux', 'x64'), l.packageFor('win32', 'x64'), l.packageFor('darwin', 'arm64'));
             console.log(l.findBinary('freebsd', 'x64').message);
             console.log(l.findBinary('darwin', 'arm64').message);",
            script.display().to_string()
        ))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "@modal-setup/linux-x64 @modal-setup/win32-x64 @modal-setup/darwin-arm64"
    );
    assert!(
        lines[1].starts_with("modal-setup has no binary for freebsd x64"),
        "{out}"
    );
    assert!(
        lines[1].contains("cargo install --locked --path ."),
        "{out}"
    );
    // Not installed here (another platform's optional package): said with the fix.
    assert!(
        lines[2].contains("@modal-setup/darwin-arm64")
            && lines[2].contains("--omit=optional")
            && lines[2].contains("npm ls @modal-setup/darwin-arm64"),
        "{out}"
    );
}
