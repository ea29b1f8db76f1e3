//! The setup wizard in a real browser: Debian's Chromium, headless, driven through chromedriver,
//! against the reference server's login pages and the real `modal-setup setup` binary. The
//! approval page's fetch of the CLI's loopback runs under Chromium's own CORS rules.
//!
//! `cargo test --features browser-tests --test browser`. Chromium and chromedriver must be
//! installed (`apt-get install chromium chromium-driver`); without them the tests fail, never
//! skip. Screenshots land in target/browser-screenshots/.

#[path = "../integration/support/mod.rs"]
mod support;
mod webdriver;

use std::path::PathBuf;
use std::time::Duration;

use modal_setup::Exit;
use support::browser::BrowserScript;
use support::{Running, TestEnv, TestServer};
use webdriver::{Driver, Session};

const WAIT: Duration = Duration::from_secs(30);

const FIXTURE: &str = "\
# hand-written: keep this comment
[personal]
token_id = \"ak-personal\"
token_secret = \"as-personal\"
active = true

[\"team.ws\"]   # the team
token_id = \"ak-team\"
token_secret = \"as-team\"
";

fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots")
}

/// The CLI waiting for a login, with `$BROWSER` handing the URL to the test.
struct Login {
    t: TestEnv,
    server: TestServer,
    browser: BrowserScript,
    running: Running,
}

fn start(args: &[&str]) -> Login {
    let mut t = TestEnv::new();
    t.write(FIXTURE);
    let server = TestServer::start();
    t.set_env("MODAL_SERVER_URL", server.url());
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let mut all = vec!["setup"];
    all.extend_from_slice(args);
    let running = t.cmd(&all).spawn();
    Login {
        t,
        server,
        browser,
        running,
    }
}

/// Opens the URL the CLI asked for, signs in, and returns the code the page shows.
fn open_approval_page(login: &Login, session: &Session<'_>) -> String {
    let url = login.browser.wait_for_url(WAIT);
    session.goto(&url);
    let sign_in = session.find("#signin", WAIT);
    session.click(&sign_in);
    let code = session.find("#code", WAIT);
    session.text(&code)
}

/// What the approval page says once its script asked the CLI's loopback.
const CHECKED: &str = "The CLI that started this login runs on this computer.";

#[test]
fn approve_after_the_page_checked_the_loopback_writes_the_profile() {
    let driver = Driver::start();
    let login = start(&["--profile", "browser"]);
    let profile_dir = login.t.dir().join("chromium");
    let session = driver.session(&profile_dir, true);
    let code = open_approval_page(&login, &session);

    // The code on the page is the one the CLI printed.
    let printed = login
        .running
        .wait_for("Check that the page shows this code: ", WAIT);
    assert!(
        printed.contains(&format!("Check that the page shows this code: {code}\n")),
        "page shows {code}; CLI printed:\n{printed}"
    );
    // The page's script fetched http://localhost:PORT/ across origins and got the flow id.
    session.wait_for_element_text("#loopback-status", CHECKED, WAIT);
    session.screenshot(&screenshots().join("approval.png"));

    let approve = session.find("#approve", WAIT);
    session.click(&approve);
    session.wait_for_text("Login approved", WAIT);
    session.screenshot(&screenshots().join("success.png"));

    let run = login.running.finish(WAIT);
    run.success()
        .stderr_has("in profile 'browser'; it is the active profile");
    let text = login.t.read();
    let expected_start = FIXTURE.replace("active = true\n", "");
    assert!(
        text.starts_with(&expected_start),
        "other profiles byte-exact:\n{text}"
    );
    let added = &text[expected_start.len()..];
    assert!(
        added.starts_with("\n[browser]\ntoken_id = \"ak-"),
        "{added}"
    );
    assert!(
        added.contains(&format!(
            "server_url = \"{}\"\nactive = true\n",
            login.server.url()
        )),
        "{added}"
    );
}

#[test]
fn deny_exits_3_and_leaves_the_file_untouched() {
    let driver = Driver::start();
    let login = start(&[]);
    let session = driver.session(&login.t.dir().join("chromium"), true);
    open_approval_page(&login, &session);
    session.screenshot(&screenshots().join("deny-approval.png"));
    let deny = session.find("#deny", WAIT);
    session.click(&deny);
    session.wait_for_text("Login denied", WAIT);
    session.screenshot(&screenshots().join("deny-result.png"));
    login.running.finish(WAIT).code(Exit::Rejected);
    assert_eq!(login.t.read(), FIXTURE);
}

#[test]
fn without_script_the_server_checks_the_loopback_and_the_button_completes_the_login() {
    let driver = Driver::start();
    let login = start(&["--profile", "noscript"]);
    let session = driver.session(&login.t.dir().join("chromium"), false);
    open_approval_page(&login, &session);
    let status = session.text(&session.find("#loopback-status", WAIT));
    assert!(
        status.starts_with("Checking that the CLI runs"),
        "no script ran, so the page did not check: {status}"
    );
    session.screenshot(&screenshots().join("noscript-approval.png"));
    let approve = session.find("#approve", WAIT);
    session.click(&approve);
    session.wait_for_text("Login approved", WAIT);
    login.running.finish(WAIT).success();
    assert!(login.t.read().contains("[noscript]"));
}
