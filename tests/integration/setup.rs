//! The browser wizard end to end: the binary, the reference server (gRPC API and login pages),
//! and a scripted browser that signs in, checks the CLI's loopback and approves.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use modal_setup::Exit;
use reference_server::{Fault, Options, TokenState};

use crate::support::browser::{Agent, BrowserScript, approval_page, approve, deny, loopback_port};
use crate::support::{Running, TestEnv, TestServer};

const WAIT: Duration = Duration::from_secs(20);

const FIXTURE: &str = "\
# my Modal profiles
[personal]
token_id = \"ak-personal\"   # keep this comment
token_secret = \"as-personal\"
active = true

[\"team.ws\"]
token_id = \"ak-team\"
token_secret = \"as-team\"
environment = \"prod\"
";

struct Wizard {
    t: TestEnv,
    server: TestServer,
    browser: BrowserScript,
}

impl Wizard {
    fn new() -> Self {
        Self::with(Options::default())
    }

    fn with(options: Options) -> Self {
        let mut t = TestEnv::new();
        let server = TestServer::with(options);
        t.set_env("MODAL_SERVER_URL", server.url());
        let browser = BrowserScript::install(t.dir());
        t.set_env("BROWSER", &browser.command);
        Self { t, server, browser }
    }

    fn start(&self, args: &[&str]) -> Running {
        let mut all = vec!["setup"];
        all.extend_from_slice(args);
        self.t.cmd(&all).spawn()
    }

    /// Approves the login the CLI opened in the browser, as a person would.
    fn approve(&self) {
        let url = self.browser.wait_for_url(WAIT);
        let done = approve(&mut Agent::new(), &url, self.server.web_url());
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("Login approved"), "{}", done.body);
    }
}

/// The token pair the profile holds in the file.
fn token_of(text: &str, profile: &str) -> (String, String) {
    let table = text
        .split(&format!("[{profile}]\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no [{profile}] in {text}"));
    let value = |key: &str| {
        table
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split('"').nth(1))
            .unwrap()
            .to_owned()
    };
    (value("token_id"), value("token_secret"))
}

#[test]
fn approve_writes_the_new_profile_next_to_the_others_byte_for_byte() {
    let mut w = Wizard::new();
    w.server.expect("TokenFlowCreate", 1);
    w.server.expect("ClientHello", 1);
    // The profile is chosen, so the workspace is not looked up.
    w.server.expect("WorkspaceNameLookup", 0);
    w.t.write(FIXTURE);
    let running = w.start(&["--profile", "ci"]);
    w.approve();
    let run = running.finish(WAIT);
    run.success()
        .stderr_has("Web authentication finished successfully!")
        .stderr_has("Token is connected to the demo-workspace workspace.")
        .stderr_has("Token verified successfully!");
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.contains(&format!(
            "Token written to {} in profile 'ci'; it is the active profile",
            w.t.config.display()
        )),
        "{last}"
    );
    let (token_id, secret) = token_of(&w.t.read(), "ci");
    let expected = format!(
        "{}\n[ci]\ntoken_id = \"{token_id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{}\"\nactive = true\n",
        FIXTURE.replace("active = true\n", ""),
        w.server.url()
    );
    assert_eq!(w.t.read(), expected);
    // The new token is one the server minted and accepts.
    w.t.run(&["token", "info", "--profile", "ci"]).success();
}

#[test]
fn token_flow_create_carries_the_loopback_port_and_where_it_comes_from() {
    let w = Wizard::new();
    let running = w.start(&["--no-verify", "--profile", "p", "-v"]);
    w.approve();
    let run = running.finish(WAIT);
    run.success();
    let (utm_source, next_url, port) = w.server.last_flow_request().unwrap();
    assert_eq!(utm_source, "modal-setup");
    assert_eq!(
        next_url, "/home",
        "setup sends next_url /home as 1.6.4 does"
    );
    run.stderr_has(&format!("listens on 127.0.0.1:{port}"));
    // Anonymous: the token flow carries no token headers.
    for call in w.server.requests() {
        assert!(call.token_id.is_none(), "{call:?}");
        assert!(
            call.headers
                .iter()
                .any(|(n, v)| n == "x-modal-client-version" && v == "1.6.4"),
            "{call:?}"
        );
    }
}

#[test]
fn a_flow_is_single_use() {
    let w = Wizard::new();
    let running = w.start(&["--no-verify"]);
    let url = w.browser.wait_for_url(WAIT);
    let mut agent = Agent::new();
    let page = approval_page(&mut agent, &url, w.server.web_url());
    let port = loopback_port(&page.body);
    let mut form = page.form_to("/approve");
    let flow_id = agent.get(&format!("http://127.0.0.1:{port}/")).body;
    for field in &mut form.fields {
        if field.0 == "loopback" {
            field.1 = flow_id.clone();
        }
    }
    // A forged approval without the session's CSRF token is refused.
    let mut stranger = Agent::new();
    assert_eq!(stranger.submit(&form, w.server.web_url()).status, 403);
    assert_eq!(agent.submit(&form, w.server.web_url()).status, 200);
    // Approving again, denying, or opening the page again: the flow is used up.
    assert_eq!(agent.submit(&form, w.server.web_url()).status, 410);
    assert_eq!(
        agent
            .submit(&page.form_to("/deny"), w.server.web_url())
            .status,
        410
    );
    assert_eq!(agent.get(&page.url).status, 410);
    running.finish(WAIT).success();
}

#[test]
fn the_page_approves_only_the_login_of_the_cli_on_this_machine() {
    let w = Wizard::new();
    let running = w.start(&["--no-verify"]);
    let url = w.browser.wait_for_url(WAIT);
    let mut agent = Agent::new();
    let page = approval_page(&mut agent, &url, w.server.web_url());
    let mut form = page.form_to("/approve");
    for field in &mut form.fields {
        if field.0 == "loopback" {
            field.1 = "tf-another-login".into();
        }
    }
    let refused = agent.submit(&form, w.server.web_url());
    assert_eq!(refused.status, 409, "{}", refused.body);
    // Without script the field stays empty and the server checks the loopback itself.
    for field in &mut form.fields {
        if field.0 == "loopback" {
            field.1.clear();
        }
    }
    assert_eq!(agent.submit(&form, w.server.web_url()).status, 200);
    running.finish(WAIT).success();
}

#[test]
fn the_profile_is_named_after_the_workspace_unless_chosen() {
    let mut w = Wizard::new();
    w.server.expect("ClientHello", 0);
    w.server.expect("WorkspaceNameLookup", 1);
    let running = w.start(&["--no-verify"]);
    w.approve();
    running.finish(WAIT).success();
    assert!(w.t.read().starts_with("[demo-workspace]\n"));
}

#[test]
fn a_workspace_name_that_is_no_profile_name_is_refused() {
    let w = Wizard::with(Options {
        workspace: "bad name]\n[x".into(),
        ..Options::default()
    });
    w.t.write(FIXTURE);
    let running = w.start(&["--no-verify"]);
    w.approve();
    running
        .finish(WAIT)
        .code(Exit::Failure)
        .stderr_has("is not a valid profile name")
        .stderr_has("--profile NAME");
    assert_eq!(w.t.read(), FIXTURE);
}

#[test]
fn the_code_on_the_page_is_the_one_the_cli_printed() {
    let w = Wizard::new();
    let running = w.start(&[]);
    let printed = running.wait_for("Check that the page shows this code: ", WAIT);
    let code = printed
        .split("Check that the page shows this code: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let url = w.browser.wait_for_url(WAIT);
    assert!(
        printed.contains(&url),
        "the URL is printed before the browser opens"
    );
    let page = approval_page(&mut Agent::new(), &url, w.server.web_url());
    assert!(
        page.body.contains(&format!("id=\"code\">{code}<")),
        "{code} not on the page"
    );
    w.approve();
    running.finish(WAIT).success();
}

#[test]
fn deny_exits_3_and_leaves_the_file_untouched() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&[]);
    let url = w.browser.wait_for_url(WAIT);
    let page = deny(&mut Agent::new(), &url, w.server.web_url());
    assert!(page.body.contains("Login denied"));
    running
        .finish(WAIT)
        .code(Exit::Rejected)
        .stderr_has("error: the login was denied in the browser\n")
        .stderr_has("nothing was written");
    assert_eq!(w.t.read(), FIXTURE);
}

#[test]
fn a_timeout_exits_4_with_the_url_and_a_hint() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let run = w.start(&["--timeout", "1"]).finish(WAIT);
    run.code(Exit::TimedOut)
        .stderr_has("timed out after 1 s")
        .stderr_has("/token-flow/tf-")
        .stderr_has("--timeout");
    assert_eq!(w.t.read(), FIXTURE);
}

#[test]
fn a_blip_during_the_wait_is_retried_and_the_login_completes() {
    let w = Wizard::new();
    w.server
        .set_fault("TokenFlowWait", Fault::parse_status("UNAVAILABLE"));
    let running = w.start(&["--no-verify", "--profile", "p", "-v"]);
    running.wait_for("asking again in", WAIT);
    w.server.set_fault("TokenFlowWait", None);
    w.approve();
    running.finish(WAIT).success();
    assert!(w.server.count("TokenFlowWait") >= 2);
    assert!(w.t.read().contains("[p]"));
}

/// The check right after the approval: a blip is asked again and the token verified; a server
/// that stays unreachable does not throw the login away, the token is written unverified
/// with a warning (never left alive on the server with nobody holding it).
#[test]
fn a_failed_check_after_the_login_is_retried_then_the_token_is_kept() {
    let w = Wizard::new();
    w.server.set_fault_for(
        "ClientHello",
        Fault::parse_status("UNAVAILABLE").unwrap(),
        2,
    );
    let running = w.start(&["--profile", "p"]);
    w.approve();
    running
        .finish(WAIT)
        .success()
        .stderr_has("Token verified successfully!");
    assert_eq!(w.server.count("ClientHello"), 3);
    let (id, _) = token_of(&w.t.read(), "p");

    let w = Wizard::new();
    w.server
        .set_fault("ClientHello", Fault::parse_status("UNAVAILABLE"));
    let running = w.start(&[]);
    w.approve();
    let run = running.finish(WAIT);
    run.success()
        .stderr_has("warning: could not check the new token: could not reach")
        .stderr_has("it is written unverified");
    assert!(!run.stderr.contains("Token verified successfully!"));
    // Named after the workspace the login reported, as a verified login would be.
    let (new_id, _) = token_of(&w.t.read(), "demo-workspace");
    assert_ne!(new_id, id);
    assert_eq!(w.server.token_state(&new_id), Some(TokenState::Valid));
    assert_eq!(w.server.count("ClientHello"), 4, "asked 3 times again");
}

/// The id of the token a way-out line names: "… the new token ak-… was revoked …".
#[track_caller]
fn named_token(line: &str) -> String {
    line.split("the new token ")
        .nth(1)
        .and_then(|after| after.split_whitespace().next())
        .unwrap_or_else(|| panic!("no token named in {line:?}"))
        .to_owned()
}

/// After an approved login, a way out that does not write the new token revokes it: a check
/// that fails for good, here. When revoking fails too, the last line names the token and
/// where to delete it.
#[test]
fn a_check_that_fails_for_good_revokes_the_new_token() {
    for revoke_fails in [false, true] {
        let w = Wizard::new();
        w.server
            .set_fault("ClientHello", Fault::parse_status("INTERNAL"));
        if revoke_fails {
            w.server
                .set_fault("TokenDelete", Fault::parse_status("UNAVAILABLE"));
        }
        let running = w.start(&["--profile", "p"]);
        w.approve();
        let run = running.finish(WAIT);
        run.code(Exit::Failure);
        let last = run.stderr.lines().last().unwrap();
        let minted = named_token(last);
        let (state, said) = if revoke_fails {
            (TokenState::Valid, "could not be revoked")
        } else {
            (TokenState::Revoked, "was revoked")
        };
        assert!(last.contains(said), "{}", run.stderr);
        assert_eq!(w.server.token_state(&minted), Some(state));
        assert!(!w.t.config.exists());
    }
}

/// A write that fails (a file-size limit, as a full disk would): the token goes, the file
/// stays as it was. The limit lets the browser script (a child) write its few bytes.
#[cfg(unix)]
#[test]
fn a_write_that_fails_revokes_the_new_token() {
    use std::os::unix::process::CommandExt;
    let w = Wizard::new();
    let existing = format!("# {}\n[a]\ntoken_id = \"ak-a\"\n", "x".repeat(4096));
    w.t.write(&existing);
    crate::support::make_private(&w.t.config);
    let mut cmd = w.t.cmd(&["setup", "--profile", "p"]);
    unsafe {
        cmd.command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2048,
                rlim_max: 2048,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            Ok(())
        });
    }
    let running = cmd.spawn();
    w.approve();
    let run = running.finish(WAIT);
    run.code(Exit::Failure).stderr_has("File too large");
    let minted = named_token(run.stderr.lines().last().unwrap());
    assert_eq!(w.server.token_state(&minted), Some(TokenState::Revoked));
    assert_eq!(w.t.read(), existing);
}

/// Ctrl-C while the new token is checked: nothing is written, and the token is revoked before
/// the process ends.
#[cfg(unix)]
#[test]
fn ctrl_c_during_the_check_revokes_the_new_token() {
    let w = Wizard::new();
    w.server.set_fault("ClientHello", Some(Fault::Hang));
    let running = w.start(&["--profile", "p"]);
    w.approve();
    running.wait_for("Web authentication finished successfully!", WAIT);
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    let run = running.finish(WAIT);
    run.code(Exit::Interrupted)
        .stderr_has("error: interrupted; nothing was written");
    let last = run.stderr.lines().last().unwrap();
    assert!(last.starts_with("note: the new token "), "{}", run.stderr);
    assert_eq!(
        w.server.token_state(&named_token(last)),
        Some(TokenState::Revoked)
    );
    assert!(!w.t.config.exists());
}

#[test]
fn a_server_that_forgot_the_flow_ends_it_with_the_fix() {
    let w = Wizard::new();
    w.server
        .set_fault("TokenFlowWait", Fault::parse_status("NOT_FOUND"));
    let run = w.start(&["--no-verify"]).finish(WAIT);
    run.code(Exit::Failure)
        .stderr_has("no longer knows this login")
        .stderr_has("run `modal-setup setup` again");
}

/// The reference server as Modal's: a login not approved in time is forgotten, and the CLI
/// ends at once with the fix instead of waiting out its own timeout.
#[test]
fn a_login_not_approved_in_time_ends_when_the_server_forgets_it() {
    let w = Wizard::with(Options {
        flow_ttl: Duration::from_secs(1),
        ..Options::default()
    });
    // The login's own timeout is the default 10 minutes: ending within the harness's wait
    // means the CLI did not wait it out.
    let run = w.start(&["--no-verify"]).finish(WAIT);
    run.code(Exit::Failure)
        .stderr_has("the server no longer knows this login: it expired or was used")
        .stderr_has("run `modal-setup setup` again");
    assert_eq!(
        w.server.count("TokenFlowWait"),
        1,
        "held until the end, then NOT_FOUND"
    );
    assert!(!w.t.config.exists());
}

/// `--expires-in` is the token's lifetime, not the login's: the server gives the token that
/// expiry, TokenInfoGet reports it, and once it has passed the token is rejected.
#[test]
fn expires_in_gives_the_token_its_expiry() {
    let w = Wizard::new();
    let running = w.start(&["--expires-in", "30d", "--profile", "p"]);
    w.approve();
    running.finish(WAIT).success();
    let (id, _) = token_of(&w.t.read(), "p");
    let expires_at = w.server.token_expires_at(&id).expect("an expiry");
    let in_30_days = now() + 30 * 86_400;
    assert!(
        (in_30_days - 10..=in_30_days).contains(&expires_at),
        "{expires_at}"
    );
    let info: serde_json::Value =
        serde_json::from_str(&w.t.run(&["token", "info", "--json"]).success().stdout).unwrap();
    assert_eq!(
        info["server"]["expires_at"],
        modal_setup::time::rfc3339(expires_at).as_str()
    );

    w.server.set_token_expires_at(&id, Some(now() - 1));
    w.t.run(&["token", "info"])
        .code(Exit::Rejected)
        .stderr_has("Token has expired");
}

fn now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_secs()).unwrap()
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_writes_nothing_and_closes_the_port() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&["-v"]);
    let port = running.loopback_port(WAIT);
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    running
        .finish(WAIT)
        .code(Exit::Interrupted)
        .stderr_has("interrupted");
    assert_eq!(w.t.read(), FIXTURE);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is still open"
    );
}

#[test]
fn an_unreachable_server_fails_before_any_browser_opens() {
    let w = Wizard::new();
    let url = crate::support::closed_port_url();
    let run = w.t.cmd(&["setup"]).env("MODAL_SERVER_URL", &url).run();
    run.code(Exit::Failure)
        .stderr_has(&format!("could not reach {url}"))
        .stderr_has("nothing listens there");
    assert!(w.browser.opened().is_empty());
    assert!(!w.t.config.exists());
}

#[test]
fn no_browser_and_ssh_print_the_url_and_say_any_machine_will_do() {
    let w = Wizard::new();
    let run = w.start(&["--no-browser", "--timeout", "1"]).finish(WAIT);
    run.code(Exit::TimedOut).stderr_has("/token-flow/tf-");
    assert!(w.browser.opened().is_empty());

    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", w.server.url());
    t.set_env("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22");
    t.run(&["setup", "--timeout", "1"])
        .code(Exit::TimedOut)
        .stderr_has("SSH session")
        .stderr_has("any machine");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The local addresses listening on `port`, from /proc/net/tcp and tcp6.
fn listeners(port: u16) -> Vec<String> {
    let hex_port = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .flat_map(|table| {
            std::fs::read_to_string(table)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.split_whitespace().nth(3) == Some("0A"))
                .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
                .filter(|local| local.ends_with(&hex_port))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_loopback_server_listens_on_loopback_only_and_answers_the_flow_id() {
    let w = Wizard::new();
    let port = free_port();
    let running = w.start(&["--port", &port.to_string(), "--no-verify"]);
    w.browser.wait_for_url(WAIT);
    for local in listeners(port) {
        assert!(
            local.starts_with("0100007F:")
                || local.starts_with("00000000000000000000000001000000:"),
            "listens on {local}"
        );
    }
    assert!(!listeners(port).is_empty());
    let get = raw(
        port,
        &format!(
            "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: https://modal.com\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(get.starts_with("HTTP/1.1 200"), "{get}");
    assert!(
        get.to_ascii_lowercase()
            .contains("access-control-allow-origin: *")
    );
    let flow_id = get.split("\r\n\r\n").nth(1).unwrap().to_owned();
    assert!(flow_id.starts_with("tf-"), "{get}");
    let preflight = raw(
        port,
        &format!(
            "OPTIONS / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://modal.com\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Private-Network: true\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(preflight.starts_with("HTTP/1.1 204"), "{preflight}");
    assert!(
        preflight
            .to_ascii_lowercase()
            .contains("access-control-allow-private-network: true")
    );
    for (request, status) in [
        (
            format!("GET /token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
            "404",
        ),
        (
            format!(
                "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            "405",
        ),
        (
            format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"),
            "421",
        ),
        ("garbage\r\n\r\n".to_owned(), "400"),
    ] {
        let answer = raw(port, &request);
        assert!(
            answer.contains(&format!(" {status} ")) || answer.is_empty() && status == "400",
            "{request:?}: {answer}"
        );
        assert!(!answer.contains(&flow_id), "{answer}");
    }
    w.approve();
    running.finish(WAIT).success();
    assert!(
        listeners(port).is_empty(),
        "the loopback closes with the flow"
    );
}

/// Sends raw bytes to the loopback server and returns its whole answer.
fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn bare_modal_setup_takes_the_options_of_setup() {
    let w = Wizard::new();
    let run = w.t.run(&["--no-browser", "--timeout", "1"]);
    run.code(Exit::TimedOut).stderr_has("/token-flow/tf-");
    assert!(w.browser.opened().is_empty(), "--no-browser was honoured");
    w.t.run(&["setup", "--timeout", "0"])
        .code(Exit::Usage)
        .stderr_has("give a number of seconds from 1 to 86400");
    // `login` is the verb people type (gh auth login): the same command.
    w.t.run(&["login", "--no-browser", "--timeout", "1"])
        .code(Exit::TimedOut)
        .stderr_has("/token-flow/tf-");
    assert_eq!(w.server.last_flow_request().unwrap().1, "/home");
    w.t.run(&["--no-browser", "profile", "list"])
        .code(Exit::Usage)
        .stderr_has("--no-browser is an option of setup and cannot be used with 'profile'");
}

#[cfg(unix)]
#[test]
fn token_new_and_bare_modal_setup_run_the_same_wizard() {
    for args in [&["token", "new", "--timeout", "1"][..], &[]] {
        let w = Wizard::new();
        let mut cmd = w.t.cmd(args);
        if args.is_empty() {
            cmd.command.env("BROWSER", &w.browser.command);
            let running = cmd.spawn();
            w.browser.wait_for_url(WAIT);
            unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
            running.finish(WAIT).code(Exit::Interrupted);
            assert_eq!(w.server.last_flow_request().unwrap().1, "/home");
        } else {
            cmd.run().code(Exit::TimedOut);
            assert_eq!(w.browser.opened().len(), 1);
            assert_eq!(w.server.last_flow_request().unwrap().1, "");
        }
    }
}

#[cfg(unix)]
/// The wizard on a terminal with a chosen profile that holds a token: it asks before the
/// browser opens; "no" ends it with nothing created anywhere.
#[test]
fn on_a_terminal_replacing_a_token_asks_before_the_browser_both_ways() {
    use rexpect::process::WaitStatus;
    // Enter takes the default, which is No (as gh asks): nothing is replaced by accident.
    for answer in ["n", "\r", "y"] {
        let w = Wizard::new();
        w.t.write(FIXTURE);
        let mut session = rexpect::session::spawn_command(
            w.t.cmd(&["setup", "--profile", "personal"]).command,
            Some(20_000),
        )
        .unwrap();
        session
            .exp_string("Profile 'personal' holds token ak-personal. Replace it with a new one?")
            .unwrap();
        assert_eq!(
            w.server.count("TokenFlowCreate"),
            0,
            "asked before the login"
        );
        crate::support::press(&mut session, answer);
        if answer != "y" {
            let rest = session.exp_eof().unwrap();
            assert!(rest.contains("hint: nothing was written"), "{rest:?}");
            let status = session.process().wait().unwrap();
            assert!(matches!(status, WaitStatus::Exited(_, 1)), "{status:?}");
            assert_eq!(w.t.read(), FIXTURE);
            assert!(w.browser.opened().is_empty());
            assert_eq!(w.server.count("TokenFlowCreate"), 0);
            continue;
        }
        session
            .exp_string("Check that the page shows this code: ")
            .unwrap();
        let code = session.exp_regex("[A-Z]{4}-[A-Z]{4}").unwrap().1;
        assert_eq!(w.server.last_code().as_deref(), Some(code.as_str()));
        w.approve();
        let rest = session.exp_eof().unwrap();
        crate::support::assert_no_secret(&rest);
        assert!(!rest.contains("Replace it?"), "asked twice: {rest:?}");
        let status = session.process().wait().unwrap();
        assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
        let (token_id, _) = token_of(
            &w.t.read().replace("   # keep this comment", ""),
            "personal",
        );
        assert!(
            w.t.read()
                .contains(&format!("token_id = \"{token_id}\"   # keep this comment"))
        );
    }
}

#[cfg(unix)]
/// Named after the workspace, the profile is known only after the login: a "no" then revokes
/// the token the login minted, so none is left unused on the server.
#[test]
fn declining_after_the_login_revokes_the_new_token() {
    use rexpect::process::WaitStatus;
    let w = Wizard::new();
    let existing =
        "[demo-workspace]\ntoken_id = \"ak-old\"\ntoken_secret = \"as-old\"\nactive = true\n";
    w.t.write(existing);
    let mut session =
        rexpect::session::spawn_command(w.t.cmd(&["setup"]).command, Some(20_000)).unwrap();
    session
        .exp_string("Check that the page shows this code: ")
        .unwrap();
    w.approve();
    session
        .exp_string("Profile 'demo-workspace' holds token ak-old. Replace it?")
        .unwrap();
    crate::support::press(&mut session, "n");
    let rest = session.exp_eof().unwrap();
    let status = session.process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 1)), "{status:?}");
    let minted = rest
        .split("the new token ")
        .nth(1)
        .and_then(|after| after.split_whitespace().next())
        .unwrap_or_else(|| panic!("the hint names the revoked token: {rest:?}"))
        .to_owned();
    assert!(rest.contains("was revoked"), "{rest:?}");
    assert_eq!(
        w.server.token_state(&minted),
        Some(reference_server::TokenState::Revoked)
    );
    assert_eq!(w.t.read(), existing);
}

#[test]
fn without_a_terminal_replacing_a_token_says_so() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&["--profile", "personal"]);
    w.approve();
    running
        .finish(WAIT)
        .success()
        .stderr_has("replaced token ak-personal in profile 'personal'");
}

#[cfg(unix)] // `false` is a Unix command
/// A browser that fails at once (`BROWSER=false`) is reported as not opened, and the next of
/// a `:` list is tried.
#[test]
fn a_browser_that_fails_is_not_reported_as_opened() {
    let server = TestServer::start();
    let t = TestEnv::new();
    let run = |browser: &str| {
        t.cmd(&["setup", "--timeout", "1"])
            .env("MODAL_SERVER_URL", server.url())
            .env("BROWSER", browser)
            .run()
    };
    let failed = run("false");
    failed
        .code(Exit::TimedOut)
        .stderr_has("warning: $BROWSER (false) failed (exit status: 1); open the URL yourself");
    assert!(!failed.stderr.contains("Opened"), "{}", failed.stderr);
    run("false:true")
        .code(Exit::TimedOut)
        .stderr_has("Opened $BROWSER (true).");
}
