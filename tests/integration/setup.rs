//! The browser wizard end to end: the binary, the reference dashboard, and a scripted browser.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::browser::{Agent, BrowserScript, Form, Page};
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
        let mut t = TestEnv::new();
        let server = TestServer::start();
        t.set_env("MODAL_SERVER_URL", server.url());
        let browser = BrowserScript::install(t.dir());
        t.set_env("BROWSER", browser.script.to_str().unwrap());
        Self { t, server, browser }
    }

    fn start(&self, args: &[&str]) -> Running {
        let mut all = vec!["setup"];
        all.extend_from_slice(args);
        self.t.cmd(&all).spawn()
    }

    /// Signs in and returns the approval page.
    fn approval_page(&self, agent: &mut Agent) -> Page {
        let url = self.browser.wait_for_url(WAIT);
        let sign_in = agent.get(&url);
        assert_eq!(sign_in.status, 200);
        let form = sign_in.form_to("/signin");
        let page = agent.submit(&form, self.server.url());
        assert_eq!(page.status, 200, "{}", page.body);
        page
    }

    /// Clicks Approve (or Deny) and returns the handoff form that posts to the CLI.
    fn handoff(&self, agent: &mut Agent, approve: bool) -> Form {
        let page = self.approval_page(agent);
        let button = if approve { "/approve" } else { "/deny" };
        let handoff = agent.submit(&page.form_to(button), self.server.url());
        assert_eq!(handoff.status, 200, "{}", handoff.body);
        let csp = handoff
            .header("content-security-policy")
            .unwrap()
            .to_owned();
        assert!(csp.contains("form-action http://127.0.0.1:"), "{csp}");
        handoff.forms().remove(0)
    }
}

#[test]
fn approve_writes_the_new_profile_next_to_the_others_byte_for_byte() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&["--profile", "ci"]);
    let mut agent = Agent::new();
    let form = w.handoff(&mut agent, true);
    assert!(form.action.starts_with("http://127.0.0.1:") && form.action.contains("/callback/"));
    let success = agent.submit(&form, w.server.url());
    assert_eq!(success.status, 200);
    assert!(
        success.body.contains("return to your terminal"),
        "{}",
        success.body
    );
    for (name, value) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(success.header(name), Some(value), "{name}");
    }
    assert!(
        success
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert!(success.header("access-control-allow-origin").is_none());

    let run = running.finish(WAIT);
    run.success();
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.contains(&format!(
            "Token written to {} in profile ci; it is the active profile",
            w.t.config.display()
        )),
        "{last}"
    );
    let token_id = field(&form, "token_id");
    let secret = field(&form, "token_secret");
    let expected = format!(
        "{}\n[ci]\ntoken_id = \"{token_id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{}\"\nactive = true\n",
        FIXTURE.replace("active = true\n", ""),
        w.server.url()
    );
    assert_eq!(w.t.read(), expected);
    // The token was verified with the server after the callback.
    assert_eq!(w.server.count("GET", "/v1/whoami"), 1);
}

fn field(form: &Form, name: &str) -> String {
    form.fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap()
}

#[test]
fn a_flow_is_single_use() {
    let w = Wizard::new();
    let running = w.start(&["--no-verify"]);
    let mut agent = Agent::new();
    let page = w.approval_page(&mut agent);
    let approve = page.form_to("/approve");
    let handoff = agent.submit(&approve, w.server.url());
    assert_eq!(handoff.status, 200);
    // Approving again, denying, or opening the page again: the flow is used up.
    assert_eq!(agent.submit(&approve, w.server.url()).status, 410);
    assert_eq!(
        agent.submit(&page.form_to("/deny"), w.server.url()).status,
        410
    );
    assert_eq!(agent.get(&page.url).status, 410);
    // A forged approval without the session's CSRF token is refused.
    let mut stranger = Agent::new();
    assert_eq!(stranger.submit(&approve, w.server.url()).status, 403);
    agent.submit(&handoff.forms().remove(0), w.server.url());
    running.finish(WAIT).success();
}

#[test]
fn the_profile_is_named_after_the_workspace_unless_chosen() {
    let w = Wizard::new();
    let running = w.start(&["--no-verify"]);
    let mut agent = Agent::new();
    let form = w.handoff(&mut agent, true);
    agent.submit(&form, w.server.url());
    running.finish(WAIT).success();
    assert!(w.t.read().starts_with("[demo-workspace]\n"));
    assert_eq!(
        w.server.count("GET", "/v1/whoami"),
        0,
        "--no-verify must not call whoami"
    );
}

#[test]
fn the_pairing_code_on_the_page_is_the_one_the_cli_printed() {
    let w = Wizard::new();
    let running = w.start(&[]);
    let printed = running.wait_for("Pairing code: ", WAIT);
    let code = printed
        .split("Pairing code: ")
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
    let mut agent = Agent::new();
    let page = w.approval_page(&mut agent);
    assert!(
        page.body.contains(&format!("id=\"code\">{code}<")),
        "{code} not on the page"
    );
    let form = agent
        .submit(&page.form_to("/approve"), w.server.url())
        .forms()
        .remove(0);
    agent.submit(&form, w.server.url());
    running.finish(WAIT).success();
}

#[test]
fn deny_exits_3_and_leaves_the_file_untouched() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&[]);
    let mut agent = Agent::new();
    let form = w.handoff(&mut agent, false);
    assert_eq!(field(&form, "error"), "access_denied");
    let page = agent.submit(&form, w.server.url());
    assert!(page.body.contains("You denied the login"));
    running
        .finish(WAIT)
        .code(3)
        .stderr_has("denied")
        .stderr_has("nothing was written");
    assert_eq!(w.t.read(), FIXTURE);
}

#[test]
fn a_timeout_exits_4_with_the_url_and_a_hint() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let run = w.start(&["--timeout", "1"]).finish(WAIT);
    run.code(4)
        .stderr_has("timed out after 1 s")
        .stderr_has("/flows/")
        .stderr_has("--timeout");
    assert_eq!(w.t.read(), FIXTURE);
}

#[test]
fn ctrl_c_exits_130_writes_nothing_and_closes_the_port() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&["-v"]);
    let stderr = running.wait_for("Waiting for the login", WAIT);
    let port: u16 = stderr
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .expect("-v names the callback port");
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    running.finish(WAIT).code(130).stderr_has("interrupted");
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
    run.code(1)
        .stderr_has(&format!("{url}/v1/token-flows"))
        .stderr_has("check your network");
    assert!(w.browser.opened().is_empty());
    assert!(!w.t.config.exists());
}

#[test]
fn the_dashboard_refuses_callbacks_off_the_loopback() {
    let server = TestServer::start();
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let create = |callback: &str| {
        client
            .post(format!("{}/v1/token-flows", server.url()))
            .json(&serde_json::json!({
                "callback_url": callback,
                "state": "s".repeat(64),
                "device_name": "test",
                "client": "test",
            }))
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(create("http://127.0.0.1:5000/callback/x"), 201);
    assert_eq!(create("http://localhost:5000/callback/x"), 201);
    for bad in [
        "http://192.168.1.2:5000/cb",
        "https://127.0.0.1:5000/cb",
        "http://0.0.0.0:5000/cb",
        "http://evil.example:5000/cb",
    ] {
        assert_eq!(create(bad), 400, "{bad}");
    }
}

#[test]
fn no_browser_and_ssh_print_the_url_and_the_forwarding_line() {
    let w = Wizard::new();
    let running =
        w.t.cmd(&["setup", "--no-browser", "--timeout", "1"])
            .spawn();
    let run = running.finish(WAIT);
    run.code(4).stderr_has("/flows/");
    assert!(w.browser.opened().is_empty());

    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", w.server.url());
    t.set_env("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22");
    let port = free_port();
    let run = t.run(&["setup", "--timeout", "1", "--port", &port.to_string()]);
    run.code(4)
        .stderr_has("SSH session")
        .stderr_has(&format!("ssh -L {port}:127.0.0.1:{port}"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn the_callback_server_listens_on_127_0_0_1_only() {
    let w = Wizard::new();
    let port = free_port();
    let running = w.start(&["--port", &port.to_string()]);
    w.browser.wait_for_url(WAIT);
    let listeners = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let hex_port = format!(":{port:04X} ");
    let bound: Vec<&str> = listeners
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|local| format!("{local} ").ends_with(&hex_port))
        })
        .filter(|l| l.split_whitespace().nth(3) == Some("0A"))
        .collect();
    assert_eq!(bound.len(), 1, "{bound:?}");
    assert!(
        bound[0]
            .split_whitespace()
            .nth(1)
            .unwrap()
            .starts_with("0100007F:"),
        "{bound:?}"
    );
    assert!(
        !std::fs::read_to_string("/proc/net/tcp6")
            .unwrap_or_default()
            .contains(&hex_port)
    );
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    running.finish(WAIT).code(130);
}

/// Sends raw bytes to the callback server and returns the status code (0: no answer).
fn raw(port: u16, request: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(
        !text.to_ascii_lowercase().contains("access-control-allow"),
        "CORS header in {text}"
    );
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn post(path: &str, host: &str, origin: Option<&str>, content_type: &str, body: &str) -> Vec<u8> {
    let origin = origin
        .map(|o| format!("Origin: {o}\r\n"))
        .unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{origin}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn hostile_callbacks_are_refused_and_the_real_one_still_succeeds() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&["--profile", "hostile"]);
    let mut agent = Agent::new();
    let form = w.handoff(&mut agent, true);
    let origin = w.server.url().to_owned();
    let rest = form.action.strip_prefix("http://").unwrap();
    let (authority, path_tail) = rest.split_once('/').unwrap();
    let path = format!("/{path_tail}");
    let port: u16 = authority.split(':').nth(1).unwrap().parse().unwrap();
    let host = format!("127.0.0.1:{port}");
    let good_body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.fields.iter())
        .finish();
    let form_type = "application/x-www-form-urlencoded";
    let with = |key: &str, value: &str| {
        let fields: Vec<(String, String)> = form
            .fields
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k == key {
                        value.to_owned()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect();
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter())
            .finish()
    };
    let without = |key: &str| {
        let fields: Vec<&(String, String)> = form.fields.iter().filter(|(k, _)| k != key).collect();
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
    };

    // A browser's preconnect and a slow, half-open client: neither may hold up the flow.
    let _preconnect = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.write_all(
        format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 500\r\n").as_bytes(),
    )
    .unwrap();
    let mut slow_body = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow_body
        .write_all(format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nContent-Type: {form_type}\r\nContent-Length: 5000\r\n\r\nflow_id=").as_bytes())
        .unwrap();

    let big = format!("{good_body}&pad={}", "x".repeat(20 * 1024));
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "wrong state",
            post(
                &path,
                &host,
                Some(&origin),
                form_type,
                &with("state", &"0".repeat(64)),
            ),
            403,
        ),
        (
            "missing state",
            post(&path, &host, Some(&origin), form_type, &without("state")),
            400,
        ),
        (
            "wrong flow_id",
            post(
                &path,
                &host,
                Some(&origin),
                form_type,
                &with("flow_id", "tf-other"),
            ),
            403,
        ),
        (
            "wrong path",
            post(
                "/callback/guess",
                &host,
                Some(&origin),
                form_type,
                &good_body,
            ),
            404,
        ),
        (
            "path with query",
            post(
                &format!("{path}?x=1"),
                &host,
                Some(&origin),
                form_type,
                &good_body,
            ),
            404,
        ),
        (
            "percent-encoded path",
            post(
                &path.replace("/callback/", "/callback%2F"),
                &host,
                Some(&origin),
                form_type,
                &good_body,
            ),
            404,
        ),
        (
            "GET",
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .into_bytes(),
            405,
        ),
        (
            "favicon",
            format!("GET /favicon.ico HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .into_bytes(),
            404,
        ),
        (
            "foreign Host",
            post(
                &path,
                &format!("evil.example:{port}"),
                Some(&origin),
                form_type,
                &good_body,
            ),
            421,
        ),
        (
            "foreign Origin",
            post(
                &path,
                &host,
                Some("https://evil.example"),
                form_type,
                &good_body,
            ),
            403,
        ),
        (
            "null Origin",
            post(&path, &host, Some("null"), form_type, &good_body),
            403,
        ),
        (
            "JSON body",
            post(&path, &host, Some(&origin), "application/json", "{}"),
            415,
        ),
        (
            "text/plain",
            post(&path, &host, Some(&origin), "text/plain", &good_body),
            415,
        ),
        (
            "oversized body",
            post(&path, &host, Some(&origin), form_type, &big),
            413,
        ),
        (
            "duplicate state",
            post(
                &path,
                &host,
                Some(&origin),
                form_type,
                &format!("{good_body}&state=x"),
            ),
            400,
        ),
    ];
    for (what, request, status) in cases {
        assert_eq!(raw(port, &request), status, "{what}");
    }
    assert!(
        running.stderr().contains("Waiting"),
        "still waiting after the hostile requests"
    );

    // The real callback, as the browser posts it.
    let success = agent.submit(&form, &origin);
    assert!(success.body.contains("return to your terminal"));
    running.finish(WAIT).success();
    assert!(
        w.t.read()
            .starts_with(&FIXTURE.replace("active = true\n", ""))
    );
    assert!(w.t.read().contains("[hostile]\n"));
    // A replay finds nobody listening.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    drop(slow);
    drop(slow_body);
}

#[test]
fn token_new_and_bare_modal_setup_run_the_same_wizard() {
    for args in [&["token", "new", "--timeout", "1"][..], &[]] {
        let w = Wizard::new();
        let mut cmd = w.t.cmd(args);
        if args.is_empty() {
            cmd.command
                .env("BROWSER", w.browser.script.to_str().unwrap());
            let running = cmd.spawn();
            w.browser.wait_for_url(WAIT);
            unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
            running.finish(WAIT).code(130);
        } else {
            cmd.run().code(4);
            assert_eq!(w.browser.opened().len(), 1);
        }
    }
}

/// The wizard on a terminal: the code is shown, and replacing another token asks first.
#[test]
fn on_a_terminal_replacing_a_token_asks_first_both_ways() {
    use rexpect::process::WaitStatus;
    for answer in ["n", "y"] {
        let w = Wizard::new();
        w.t.write(FIXTURE);
        let mut session = rexpect::session::spawn_command(
            w.t.cmd(&["setup", "--profile", "personal"]).command,
            Some(20_000),
        )
        .unwrap();
        session.exp_string("Pairing code: ").unwrap();
        let code = session.exp_regex("[A-Z]{4}-[A-Z]{4}").unwrap().1;
        let mut agent = Agent::new();
        let page = w.approval_page(&mut agent);
        assert!(page.body.contains(&code));
        let form = agent
            .submit(&page.form_to("/approve"), w.server.url())
            .forms()
            .remove(0);
        agent.submit(&form, w.server.url());
        session
            .exp_string("Profile 'personal' holds token ak-personal. Replace it?")
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        session.send(answer).unwrap();
        session.flush().unwrap();
        let rest = session.exp_eof().unwrap();
        crate::support::assert_no_secret(&rest);
        let status = session.process().wait().unwrap();
        if answer == "n" {
            assert!(matches!(status, WaitStatus::Exited(_, 1)), "{status:?}");
            assert_eq!(w.t.read(), FIXTURE);
        } else {
            assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
            assert!(w.t.read().contains(&format!(
                "token_id = \"{}\"   # keep this comment",
                field(&form, "token_id")
            )));
        }
    }
}

#[test]
fn without_a_terminal_replacing_a_token_says_so() {
    let w = Wizard::new();
    w.t.write(FIXTURE);
    let running = w.start(&["--profile", "personal"]);
    let mut agent = Agent::new();
    let form = w.handoff(&mut agent, true);
    agent.submit(&form, w.server.url());
    running
        .finish(WAIT)
        .success()
        .stderr_has("replaced token ak-personal in profile 'personal'");
}
