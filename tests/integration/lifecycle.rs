//! Token lifecycle and troubleshooting: `token info`, revocation, rotation, `profile list
//! --check`, and the errors and warnings that say what to do.

use std::time::Duration;

use modal_setup::Exit;
use reference_server::{Fault, TokenState};
use serde_json::Value;

use crate::support::browser::{Agent, BrowserScript, approve};
use crate::support::{ConnectProxy, TestEnv, TestServer, closed_port_url};

const WAIT: Duration = Duration::from_secs(20);

/// A test environment whose config holds one valid token of `server`, in profile `ws`.
fn with_token(server: &TestServer) -> (TestEnv, String, String) {
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", server.url());
    t.write(&format!(
        "[ws]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nactive = true\n",
    ));
    (t, id, secret)
}

/// With `-v`, what is said about the call comes before the listing, which stays whole, on a
/// terminal where both streams meet (here one file holds both).
#[test]
fn verbose_token_info_keeps_the_listing_whole() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    let both = t.dir().join("both.txt");
    let file = std::fs::File::create(&both).unwrap();
    let mut cmd = t.cmd(&["-v", "token", "info"]).command;
    let status = cmd
        .stdin(std::process::Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&both).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_listed = lines.iter().position(|l| l.starts_with("Token: ")).unwrap();
    let last_listed = lines
        .iter()
        .rposition(|l| l.starts_with("Workspace: "))
        .unwrap();
    assert!(
        lines[first_listed..=last_listed]
            .iter()
            .all(|l| !l.starts_with("debug: ")),
        "{text}"
    );
    assert!(
        lines[..first_listed]
            .iter()
            .any(|l| l.starts_with("debug: server: ")),
        "{text}"
    );
}

#[test]
fn token_info_shows_the_token_its_sources_and_the_server_view() {
    let mut server = TestServer::start();
    server.expect("TokenInfoGet", 1);
    let (t, id, _) = with_token(&server);
    let run = t.run(&["token", "info"]);
    run.success();
    let path = t.config.display().to_string();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("Token: {id}"));
    assert_eq!(lines[1], format!("Profile: ws (active = true in {path})"));
    assert_eq!(lines[2], format!("Token id from: profile 'ws' in {path}"));
    assert_eq!(
        lines[3],
        format!("Token secret from: profile 'ws' in {path}")
    );
    assert_eq!(
        lines[4],
        format!(
            "Server: {} (MODAL_SERVER_URL environment variable)",
            server.url()
        )
    );
    assert!(
        lines[5].starts_with("Workspace: demo-workspace (ac-"),
        "{}",
        lines[5]
    );
    assert!(lines[6].starts_with("User: demo-user (us-"), "{}", lines[6]);
    assert!(
        lines[7].starts_with("Created at: 20") && lines[7].ends_with(" UTC"),
        "{}",
        lines[7]
    );
    assert_eq!(lines[8], "Expires at: never");
    assert_eq!(lines.len(), 9);
}

#[test]
fn token_info_offline_asks_nobody() {
    let mut server = TestServer::start();
    server.expect("TokenInfoGet", 0);
    let (t, id, _) = with_token(&server);
    let run = t.run(&["token", "info", "--no-verify"]);
    run.success();
    assert!(run.stdout.starts_with(&format!("Token: {id}\n")));
    assert!(!run.stdout.contains("Workspace:"));
}

#[test]
fn token_info_json_field_by_field() {
    let server = TestServer::start();
    let (t, id, _) = with_token(&server);
    let run = t.run(&["token", "info", "--json"]);
    run.success();
    let info: Value = serde_json::from_str(&run.stdout).unwrap();
    let path = t.config.display().to_string();
    // Values flat, where each came from under `origins` (as `config show --json`).
    assert_eq!(info["token_id"], id.as_str());
    assert_eq!(
        info["origins"]["token_id"],
        format!("profile 'ws' in {path}")
    );
    assert_eq!(info["token_secret"], "***");
    assert_eq!(
        info["origins"]["token_secret"],
        format!("profile 'ws' in {path}")
    );
    assert_eq!(info["profile"], "ws");
    assert_eq!(info["server_url"], server.url());
    assert_eq!(
        info["origins"]["server_url"],
        "MODAL_SERVER_URL environment variable"
    );
    assert_eq!(info["config_path"], path.as_str());
    assert_eq!(info["using_environment_variables"], false);
    assert_eq!(info["verified"], true);
    assert_eq!(info["server"]["workspace"], "demo-workspace");
    assert_eq!(info["server"]["identity"]["kind"], "user");
    assert_eq!(info["server"]["identity"]["name"], "demo-user");
    // RFC 3339: YYYY-MM-DDTHH:MM:SSZ.
    let created = info["server"]["created_at"].as_str().unwrap();
    assert!(
        created.len() == 20 && created.as_bytes()[10] == b'T' && created.ends_with('Z'),
        "{created}"
    );
    assert_eq!(info["server"]["expires_at"], Value::Null);
    let offline: Value =
        serde_json::from_str(&t.run(&["token", "info", "--json", "--no-verify"]).stdout).unwrap();
    assert_eq!(offline["verified"], false);
    assert_eq!(offline["server"], Value::Null);
}

#[test]
fn token_info_names_environment_variables_and_mixed_sources() {
    let server = TestServer::start();
    let (t, file_id, _) = with_token(&server);
    let (env_id, env_secret) = server.mint_token();
    let both = t
        .cmd(&["token", "info"])
        .env("MODAL_TOKEN_ID", &env_id)
        .env("MODAL_TOKEN_SECRET", &env_secret)
        .run();
    both.success();
    assert!(both.stdout.contains(&format!("Token: {env_id}\n")));
    assert!(
        both.stdout
            .ends_with("(Using MODAL_TOKEN_ID and MODAL_TOKEN_SECRET environment variables)\n")
    );

    // The id from the environment with the file's secret does not authenticate: say why.
    let mixed = t
        .cmd(&["token", "info"])
        .env("MODAL_TOKEN_ID", &env_id)
        .run();
    mixed
        .code(Exit::Rejected)
        .stderr_has("MODAL_TOKEN_ID is set but MODAL_TOKEN_SECRET is not")
        .stderr_has("the secret from the profile 'ws'");
    let other = t
        .cmd(&["token", "info", "--no-verify"])
        .env("MODAL_TOKEN_SECRET", &env_secret)
        .run();
    other
        .success()
        .stderr_has("MODAL_TOKEN_SECRET is set but MODAL_TOKEN_ID is not");
    assert!(other.stdout.contains(&format!("Token: {file_id}")));
}

#[test]
fn token_info_rejected_tokens_exit_3_with_the_fix() {
    let server = TestServer::start();
    let (t, id, _) = with_token(&server);
    server.set_token_state(&id, TokenState::Revoked);
    let rejected = t.run(&["token", "info"]);
    rejected
        .code(Exit::Rejected)
        .stderr_has("rejected the token: Token has been deleted")
        .stderr_has("revoked, has expired")
        .stderr_has("modal-setup setup");
    // What is known locally is shown before the error.
    assert!(rejected.stdout.starts_with(&format!("Token: {id}\n")));
    server.set_token_state(&id, TokenState::Forbidden);
    t.run(&["token", "info"])
        .code(Exit::Rejected)
        .stderr_has("no permission for this workspace")
        .stderr_has("ask a workspace admin");
    // Credentials from the environment: the hint says to fix the environment.
    server.set_token_state(&id, TokenState::Revoked);
    t.cmd(&["token", "info"])
        .env("MODAL_TOKEN_ID", &id)
        .env("MODAL_TOKEN_SECRET", "as-wrong")
        .run()
        .code(Exit::Rejected)
        .stderr_has(
            "the token comes from MODAL_TOKEN_ID and MODAL_TOKEN_SECRET: unset or update them",
        );
}

#[test]
fn token_info_without_a_token_says_how_to_get_one() {
    let t = TestEnv::new();
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("no token id in effect")
        .stderr_has("modal-setup setup");
    t.write("[ws]\ntoken_id = \"ak-1\"\n");
    t.run(&["token", "info", "--profile", "ws"])
        .code(Exit::Failure)
        .stderr_has("no token secret in effect")
        .stderr_has("profile 'ws'");
}

#[test]
fn server_failures_map_to_one_line_and_a_hint() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    let fault = |rpc: &str, code: &str| server.set_fault(rpc, Fault::parse_status(code));
    fault("TokenInfoGet", "UNIMPLEMENTED");
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("is not Modal's API: it does not implement TokenInfoGet")
        .stderr_has("MODAL_SERVER_URL environment variable");
    fault("TokenInfoGet", "INTERNAL");
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("answered INTERNAL: injected fault")
        .stderr_has("try again later");
    fault("TokenInfoGet", "FAILED_PRECONDITION");
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("refused this client: injected fault")
        .stderr_has("upgrade modal-setup");
    fault("ClientHello", "UNAVAILABLE");
    t.token_set("ak-x", "as-x")
        .profile("p")
        .run()
        .code(Exit::Failure)
        .stderr_has("injected fault: UNAVAILABLE")
        .stderr_has("--no-verify");
    assert!(!t.read().contains("[p]"));

    server.set_fault("TokenInfoGet", Some(Fault::Hang));
    t.cmd(&["token", "info"])
        .env("MODAL_SETUP_HTTP_TIMEOUT", "1.5")
        .run()
        .code(Exit::Failure)
        .stderr_has("no answer within 1.5 s");
    // A value no duration can hold is capped, never a crash.
    server.set_fault("TokenInfoGet", None);
    t.cmd(&["token", "info"])
        .env("MODAL_SETUP_HTTP_TIMEOUT", "1e20")
        .run()
        .success();
}

#[test]
fn the_server_must_see_the_client_headers_and_override_headers_apply() {
    let server = TestServer::start();
    let (t, id, _) = with_token(&server);
    t.run(&["token", "info"]).success();
    let call = server.requests().pop().unwrap();
    let header = |name: &str| {
        call.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(call.rpc, "TokenInfoGet");
    assert_eq!(header("x-modal-client-type").as_deref(), Some("1"));
    assert_eq!(header("x-modal-client-version").as_deref(), Some("1.6.4"));
    assert_eq!(header("x-modal-token-id"), Some(id));
    assert_eq!(
        header("x-modal-token-secret").as_deref(),
        Some("<redacted>")
    );
    assert!(
        header("user-agent").unwrap().starts_with("modal-setup/"),
        "{:?}",
        header("user-agent")
    );
    // MODAL_OVERRIDE_HEADERS goes over them; an old client is refused by the server.
    t.cmd(&["token", "info"])
        .env("MODAL_OVERRIDE_HEADERS", "x-modal-client-version:0.9.0")
        .run()
        .code(Exit::Failure)
        .stderr_has("refused this client: Old client")
        .stderr_has("MODAL_OVERRIDE_HEADERS");
    t.cmd(&["token", "info"])
        .env("MODAL_OVERRIDE_HEADERS", "no colon here")
        .run()
        .code(Exit::Failure)
        .stderr_has("invalid MODAL_OVERRIDE_HEADERS");
}

#[test]
fn server_urls_that_are_not_urls_say_where_they_came_from() {
    let t = TestEnv::new();
    t.write("[ws]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", "notaurl")
        .run()
        .code(Exit::Failure)
        .stderr_has("invalid server URL from the MODAL_SERVER_URL environment variable")
        .stderr_has("https://host");
}

#[test]
fn a_failover_list_reaches_the_live_server() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    let list = format!("{},{}", closed_port_url(), server.url());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &list)
        .run()
        .success();
    assert_eq!(server.count("TokenInfoGet"), 1);
    let dead = format!("{},{}", closed_port_url(), closed_port_url());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &dead)
        .run()
        .code(Exit::Failure)
        .stderr_has("could not reach http://127.0.0.1:");
}

#[test]
fn tls_and_proxy_failures_say_so() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    // https to a server that answers in plain http: the handshake fails.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let https = format!("https://127.0.0.1:{}", plain.local_addr().unwrap().port());
    std::thread::spawn(move || {
        use std::io::Write;
        for stream in plain.incoming().take(1).flatten() {
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &https)
        .run()
        .code(Exit::Failure)
        .stderr_has("127.0.0.1 did not answer with TLS");
    // Through a proxy that is not there (to a host that is never resolved here).
    let proxy = closed_port_url();
    let run = t
        .cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", "https://api.modal-setup.invalid")
        .env("HTTPS_PROXY", &proxy)
        .run();
    run.code(Exit::Failure)
        .stderr_has("could not connect to the proxy")
        .stderr_has("from HTTPS_PROXY")
        .stderr_has("NO_PROXY");
    // Loopback never goes through the proxy.
    t.cmd(&["token", "info"])
        .env("HTTP_PROXY", &proxy)
        .env("HTTPS_PROXY", &proxy)
        .env("ALL_PROXY", &proxy)
        .run()
        .success();
}

#[test]
fn the_api_goes_through_the_proxy_unless_no_proxy_or_loopback_say_not() {
    let server = TestServer::start();
    let (mut t, _, _) = with_token(&server);
    // A plain http:// server on another machine, allowed on purpose (it is this test's).
    t.set_env("MODAL_SETUP_ALLOW_HTTP", "1");
    let address: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let proxy = ConnectProxy::start(address, None);
    // A name that resolves nowhere: only the proxy can reach it (it tunnels to the server).
    let remote = format!("http://api.modal-setup.invalid:{}", address.port());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("HTTP_PROXY", &proxy.url)
        .run()
        .success();
    assert_eq!(
        proxy.seen(),
        [format!(
            "CONNECT api.modal-setup.invalid:{} HTTP/1.1",
            address.port()
        )]
    );
    // NO_PROXY: the connection is made directly (and fails: the name does not resolve).
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("HTTP_PROXY", &proxy.url)
        .env("NO_PROXY", "localhost,.modal-setup.invalid")
        .env("MODAL_SETUP_HTTP_TIMEOUT", "3")
        .run()
        .code(Exit::Failure);
    // Loopback never goes through it.
    t.cmd(&["token", "info"])
        .env("HTTP_PROXY", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
        .run()
        .success();
    assert_eq!(proxy.seen().len(), 1, "{:?}", proxy.seen());
    // A proxy that refuses is named.
    for status in [407, 502] {
        let refusing = ConnectProxy::start(address, Some(status));
        let run = t
            .cmd(&["token", "info"])
            .env("MODAL_SERVER_URL", &remote)
            .env("HTTPS_PROXY", &closed_port_url())
            .env("HTTP_PROXY", &refusing.url)
            .run();
        run.code(Exit::Failure).stderr_has(&format!(
            "{} from HTTP_PROXY",
            refusing.url.trim_start_matches("http://")
        ));
        run.stderr_has(match status {
            407 => "the proxy wants authentication",
            _ => "the proxy did not open a way to api.modal-setup.invalid:",
        });
    }
}

#[test]
fn server_warnings_are_shown_safely() {
    let server = TestServer::with(reference_server::Options {
        warnings: vec!["Upgrade soon\x1b[31m, as-FAKE123 is not a secret".into()],
        ..reference_server::Options::default()
    });
    let (t, id, secret) = with_token(&server);
    t.token_set(&id, &secret)
        .profile("ws")
        .run()
        .success()
        .stderr_has("warning: the server says: Upgrade soon\\u{1b}[31m, as-*** is not a secret");
}

#[test]
fn re_setting_the_same_token_with_delete_existing_never_revokes_it() {
    let server = TestServer::start();
    let (t, id, secret) = with_token(&server);
    t.token_set(&id, &secret)
        .profile("ws")
        .arg("--delete-existing")
        .run()
        .success()
        .stderr_has("nothing to revoke");
    assert_eq!(server.token_state(&id), Some(TokenState::Valid));
    assert_eq!(server.count("TokenDelete"), 0);
}

#[test]
fn profile_list_check_reports_every_profile_within_a_bound() {
    let server = TestServer::start();
    let hanging = TestServer::start();
    hanging.set_fault("WorkspaceNameLookup", Some(Fault::Hang));
    let (good_id, good) = server.mint_token();
    let (revoked_id, revoked) = server.mint_token();
    server.set_token_state(&revoked_id, TokenState::Revoked);
    let t = TestEnv::new();
    t.write(&format!(
        "[good]\ntoken_id = \"{good_id}\"\ntoken_secret = \"{}\"\nserver_url = \"{}\"\nactive = true\n\n\
[revoked]\ntoken_id = \"{revoked_id}\"\ntoken_secret = \"{}\"\nserver_url = \"{}\"\n\n\
[empty]\n\n\
[hangs]\ntoken_id = \"ak-h\"\ntoken_secret = \"as-h\"\nserver_url = \"{}\"\n\n\
[down]\ntoken_id = \"ak-d\"\ntoken_secret = \"as-d\"\nserver_url = \"{}\"\n",
        good,
        server.url(),
        revoked,
        server.url(),
        hanging.url(),
        closed_port_url()
    ));
    // The hanging server is given up on at the per-profile bound: its status says so.
    let run = t.run(&["profile", "list", "--check", "--json"]);
    // The listing is whole, and the command fails: profiles with a token cannot be used.
    run.code(Exit::Failure).stderr_has(
        "error: 3 of the 4 profiles with a token cannot be used\nhint: the STATUS column says why",
    );
    let rows: Value = serde_json::from_str(&run.stdout).unwrap();
    let status: Vec<(&str, &str, Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["workspace"].clone(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("good", "ok", Value::from("demo-workspace")),
            ("revoked", "rejected", Value::Null),
            ("empty", "no_token", Value::Null),
            ("hangs", "timed_out", Value::Null),
            ("down", "unreachable", Value::Null),
        ]
    );
    let asked: Vec<Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["asked"].clone())
        .collect();
    assert_eq!(asked[0], server.url());
    assert_eq!(
        asked[2],
        Value::Null,
        "nothing is asked for a profile without a token"
    );
    assert_eq!(asked[3], hanging.url());
    // STATUS holds the JSON's status word; the workspace has a column of its own.
    let table = t.run(&["profile", "list", "--check"]);
    let columns = |line: &str| -> Vec<String> {
        line.trim_start_matches(['•', ' '])
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        columns(lines[0]),
        ["PROFILE", "TOKEN ID", "STATUS", "WORKSPACE", "SERVER"]
    );
    assert_eq!(
        columns(lines[1]),
        [
            "good",
            good_id.as_str(),
            "ok",
            "demo-workspace",
            server.url()
        ]
    );
    assert_eq!(columns(lines[4])[..4], ["hangs", "ak-h", "timed_out", "-"]);
    // Without --check it stays offline.
    let before = server.count("WorkspaceNameLookup");
    t.run(&["profile", "list"]).success();
    assert_eq!(server.count("WorkspaceNameLookup"), before);
}

#[test]
fn token_set_delete_existing_revokes_the_old_token_after_writing_the_new() {
    let server = TestServer::start();
    let (t, old_id, _) = with_token(&server);
    let (new_id, new_secret) = server.mint_token();
    t.token_set(&new_id, &new_secret)
        .profile("ws")
        .arg("--delete-existing")
        .run()
        .success()
        .stderr_has(&format!("Revoked the previous token {old_id}"));
    assert_eq!(server.token_state(&old_id), Some(TokenState::Revoked));
    assert!(t.read().contains(&new_id));

    // A failed revoke is reported (exit 1) and the new token stays.
    let (newer_id, newer_secret) = server.mint_token();
    server.set_fault("TokenDelete", Fault::parse_status("INTERNAL"));
    t.token_set(&newer_id, &newer_secret)
        .profile("ws")
        .arg("--delete-existing")
        .run()
        .code(Exit::Failure)
        .stderr_has(&format!("could not revoke token {new_id}"))
        .stderr_has("the new token is written and works");
    assert!(t.read().contains(&newer_id));
    assert_eq!(server.token_state(&new_id), Some(TokenState::Valid));
}

fn approve_in_browser(browser: &BrowserScript, server: &TestServer) {
    let url = browser.wait_for_url(WAIT);
    let done = approve(&mut Agent::new(), &url, server.web_url());
    assert_eq!(done.status, 200, "{}", done.body);
}

#[test]
fn token_rotate_writes_the_new_token_then_revokes_the_old() {
    let server = TestServer::start();
    let (mut t, old_id, _) = with_token(&server);
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let running = t.cmd(&["token", "rotate"]).spawn();
    approve_in_browser(&browser, &server);
    running
        .finish(WAIT)
        .success()
        .stderr_has("Rotating the token of profile 'ws'")
        .stderr_has(&format!("Revoked the previous token {old_id}"));
    assert_eq!(server.token_state(&old_id), Some(TokenState::Revoked));
    let text = t.read();
    assert!(
        !text.contains(&old_id) && text.starts_with("[ws]\n") && text.contains("active = true"),
        "{text}"
    );
}

/// Profiles that share one token (copied by hand, or `token set` twice): rotating one of them,
/// or removing it with --revoke, without a terminal to ask, leaves the token alive for the
/// others and says which hold it.
#[test]
fn a_token_other_profiles_hold_is_not_revoked_without_a_yes() {
    let server = TestServer::start();
    let (mut t, old_id, secret) = with_token(&server);
    t.write(&format!(
        "[ws]\ntoken_id = \"{old_id}\"\ntoken_secret = \"{secret}\"\nactive = true\n\n\
         [qq]\ntoken_id = \"{old_id}\"\ntoken_secret = \"{secret}\"\n\n\
         [vv]\ntoken_id = \"{old_id}\"\ntoken_secret = \"{secret}\"\n"
    ));
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let running = t.cmd(&["--profile", "vv", "token", "rotate"]).spawn();
    approve_in_browser(&browser, &server);
    running.finish(WAIT).success().stderr_has(&format!(
        "warning: token {old_id} is also used by profiles 'ws', 'qq', so it was not revoked"
    ));
    assert_eq!(server.token_state(&old_id), Some(TokenState::Valid));
    t.run(&["--profile", "qq", "token", "info"]).success();

    t.run(&["profile", "remove", "qq", "--yes", "--revoke"])
        .success()
        .stderr_has(&format!(
            "warning: token {old_id} is also used by profile 'ws', so it was not revoked"
        ));
    assert_eq!(server.token_state(&old_id), Some(TokenState::Valid));
    // The last holder's token is revoked as asked.
    t.run(&["profile", "remove", "ws", "--yes", "--revoke"])
        .success()
        .stderr_has(&format!("Revoked token {old_id}"));
    assert_eq!(server.token_state(&old_id), Some(TokenState::Revoked));
}

#[test]
fn rotate_interrupted_after_the_new_token_is_written_leaves_a_working_token() {
    let server = TestServer::start();
    let (mut t, old_id, _) = with_token(&server);
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    server.set_fault("TokenDelete", Fault::parse_status("UNAVAILABLE"));
    let running = t.cmd(&["token", "rotate"]).spawn();
    approve_in_browser(&browser, &server);
    running
        .finish(WAIT)
        .code(Exit::Failure)
        .stderr_has(&format!("could not revoke token {old_id}"));
    // The file holds the new token, and it works.
    server.set_fault("TokenDelete", None);
    assert!(!t.read().contains(&old_id));
    t.run(&["token", "info"])
        .success()
        .stdout
        .contains("Workspace: demo-workspace");
    assert_eq!(server.token_state(&old_id), Some(TokenState::Valid));
}

#[test]
fn rotate_accepts_only_the_flags_it_honours() {
    let t = TestEnv::new();
    for flag in ["--yes", "--activate", "--no-activate", "--delete-existing"] {
        t.run(&["token", "rotate", flag])
            .code(Exit::Usage)
            .stderr_has(&format!("unexpected argument '{flag}'"));
    }
}

#[test]
fn rotate_needs_a_token_to_replace() {
    let t = TestEnv::new();
    t.write("[ws]\nactive = true\n");
    t.run(&["token", "rotate"])
        .code(Exit::Failure)
        .stderr_has("no token to rotate in effect")
        .stderr_has("setup --profile ws");
}

/// Without a token, each thing is said once: a profile named but missing is said by the
/// warning (not again in the hint), a profile that exists but holds none by the hint, and a
/// token variable set alone names the other one.
#[test]
fn a_missing_token_is_explained_once() {
    let t = TestEnv::new();
    t.write("[ws]\nactive = true\n");
    for args in [
        &["--profile", "nope", "token", "info"][..],
        &["--profile", "nope", "token", "rotate"],
    ] {
        let run = t.run(args);
        run.code(Exit::Failure)
            .stderr_has(
                "warning: profile 'nope' (from the --profile flag) is not in the config file",
            )
            .stderr_has("`modal-setup setup --profile nope`");
        assert_eq!(
            run.stderr.matches("'nope'").count(),
            1,
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("holds no token"),
            "{args:?}: {}",
            run.stderr
        );
    }
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("hint: profile 'ws' of ")
        .stderr_has("holds no token id: log in with `modal-setup setup --profile ws`");
    t.cmd(&["token", "info", "--no-verify"])
        .env("MODAL_TOKEN_ID", "ak-12345678")
        .run()
        .code(Exit::Failure)
        .stderr_has("error: no token secret in effect\nhint: MODAL_TOKEN_ID is set but MODAL_TOKEN_SECRET is not: set MODAL_TOKEN_SECRET too, or unset MODAL_TOKEN_ID to use the config file");
}

#[test]
fn setup_delete_existing_revokes_the_profile_s_previous_token() {
    let server = TestServer::start();
    let (mut t, old_id, _) = with_token(&server);
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let running = t
        .cmd(&["setup", "--profile", "ws", "--delete-existing"])
        .spawn();
    approve_in_browser(&browser, &server);
    running.finish(WAIT).success();
    assert_eq!(server.token_state(&old_id), Some(TokenState::Revoked));
}

#[test]
fn profile_remove_revoke_removes_only_after_revoking_unless_forced() {
    let server = TestServer::start();
    let (t, id, _) = with_token(&server);
    let before = t.read();
    server.set_fault("TokenDelete", Fault::parse_status("INTERNAL"));
    t.run(&["profile", "remove", "ws", "--yes", "--revoke"])
        .code(Exit::Failure)
        .stderr_has(&format!("could not revoke token {id}"))
        .stderr_has("--force");
    assert_eq!(t.read(), before);
    t.run(&["profile", "remove", "ws", "--yes", "--revoke", "--force"])
        .success()
        .stderr_has("removing the profile anyway");
    assert!(!t.read().contains("[ws]"));

    server.set_fault("TokenDelete", None);
    let (t, id, _) = with_token(&server);
    t.run(&["profile", "remove", "ws", "--yes", "--revoke"])
        .success()
        .stderr_has(&format!("Revoked token {id}"));
    assert_eq!(server.token_state(&id), Some(TokenState::Revoked));
    assert!(!t.read().contains("[ws]"));
    t.run(&["profile", "remove", "ws", "--force"])
        .code(Exit::Usage);

    // A token the server already rejects is unusable: the profile goes, and that is said.
    let (t, id, _) = with_token(&server);
    server.set_token_state(&id, TokenState::Revoked);
    t.run(&["profile", "remove", "ws", "--yes", "--revoke"])
        .success()
        .stderr_has(&format!("the server no longer accepts token {id}"));
    assert!(!t.read().contains("[ws]"));
}

#[test]
fn warns_about_several_profiles_with_none_active() {
    let t = TestEnv::new();
    t.write("[a]\n[b]\n");
    t.run(&["config", "show"])
        .success()
        .stderr_has("warning: Modal's Python client would stop with \"No Modal profile is active\" (several profiles, none says active = true); run `modal-setup profile activate NAME`");
}

#[cfg(unix)]
#[test]
fn ctrl_c_says_what_is_true_before_and_after_the_write() {
    let server = TestServer::start();
    let (t, old_id, _) = with_token(&server);
    let before = t.read();
    let (new_id, new_secret) = server.mint_token();
    let set = |extra: &[&str]| {
        let mut args = vec![
            "token",
            "set",
            "--id",
            &new_id,
            "--secret",
            &new_secret,
            "--profile",
            "ws",
        ];
        args.extend_from_slice(extra);
        t.cmd(&args).spawn()
    };
    // During the server check: nothing was written.
    server.set_fault("ClientHello", Some(Fault::Hang));
    let running = set(&[]);
    running.wait_for("Verifying token against", WAIT);
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    running
        .finish(WAIT)
        .code(Exit::Interrupted)
        .stderr_has("interrupted; nothing was written");
    assert_eq!(t.read(), before);
    // While the old token is being revoked: the new one is written, and that is said.
    server.set_fault("ClientHello", None);
    server.set_fault("TokenDelete", Some(Fault::Hang));
    let running = set(&["--delete-existing"]);
    running.wait_for("Token written to", WAIT);
    unsafe { libc::kill(running.pid() as i32, libc::SIGINT) };
    running
        .finish(WAIT)
        .code(Exit::Interrupted)
        .stderr_has("interrupted after the config file was written")
        .stderr_has("revoking the old token");
    assert!(t.read().contains(&new_id));
    assert_eq!(server.token_state(&old_id), Some(TokenState::Valid));
}

#[cfg(unix)] // sets the limit with `sh -c ulimit`
/// 300 profiles on one server under an open-file limit of 64: one connection carries every
/// lookup, so none is "unreachable" for want of a socket.
#[test]
fn check_reaches_hundreds_of_profiles_under_a_small_open_file_limit() {
    let server = TestServer::start();
    let t = TestEnv::new();
    let mut text = String::new();
    for i in 0..300 {
        let (id, secret) = server.mint_token();
        text.push_str(&format!(
            "[p{i}]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{}\"\n",
            server.url()
        ));
    }
    t.write(&text);
    let mut cmd = t.cmd(&[]);
    let mut limited = std::process::Command::new("sh");
    limited
        .args([
            "-c",
            "ulimit -n 64 && exec \"$0\" profile list --check --json",
        ])
        .arg(crate::support::BIN)
        .env_clear()
        .current_dir(t.dir());
    for (name, value) in cmd.command.get_envs() {
        if let Some(value) = value {
            limited.env(name, value);
        }
    }
    cmd.command = limited;
    let run = cmd.run();
    run.success();
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 300);
    let not_ok: Vec<_> = rows.iter().filter(|r| r["status"] != "ok").collect();
    assert!(
        not_ok.is_empty(),
        "{} not ok, e.g. {:?}",
        not_ok.len(),
        not_ok.first()
    );
}

/// SOCKS proxies work (`socks5h://`: the proxy resolves the name), and a proxy variable that
/// holds no proxy URL breaks only the connections that would use it, never loopback.
#[test]
fn socks5_proxies_work_and_a_bad_proxy_variable_breaks_only_what_uses_it() {
    let server = TestServer::start();
    let (mut t, _, _) = with_token(&server);
    t.set_env("MODAL_SETUP_ALLOW_HTTP", "1");
    let address: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let socks = crate::support::Socks5Proxy::start(address);
    let remote = format!("http://api.modal-setup.invalid:{}", address.port());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("ALL_PROXY", &socks.url)
        .run()
        .success();
    assert_eq!(
        socks.seen(),
        [format!("api.modal-setup.invalid:{}", address.port())]
    );
    // An unusable proxy variable: loopback is unaffected; a server that would use it is told.
    t.cmd(&["token", "info"])
        .env("ALL_PROXY", "ftp://proxy.invalid:21")
        .env("HTTPS_PROXY", "not a url at all")
        .run()
        .success();
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("ALL_PROXY", "ftp://proxy.invalid:21")
        .run()
        .code(Exit::Failure)
        .stderr_has("ALL_PROXY holds 'ftp://proxy.invalid:21', which is not a proxy URL");
}

/// `token info --json` keeps stdout whole when the server check fails: the local fields,
/// `verified: false` and the error; the exit code is the failure's.
#[test]
fn token_info_json_is_whole_when_the_server_check_fails() {
    let server = TestServer::start();
    let (t, id, _) = with_token(&server);
    let unreachable = t
        .cmd(&["token", "info", "--json"])
        .env("MODAL_SERVER_URL", &closed_port_url())
        .run();
    unreachable.code(Exit::Failure);
    let json: Value = serde_json::from_str(&unreachable.stdout).expect("whole JSON");
    assert_eq!(json["verified"], false);
    assert_eq!(json["token_id"], id.as_str());
    assert_eq!(json["error"]["kind"], "unreachable");
    server.set_token_state(&id, TokenState::Revoked);
    let rejected = t.run(&["token", "info", "--json"]);
    rejected.code(Exit::Rejected);
    let json: Value = serde_json::from_str(&rejected.stdout).expect("whole JSON");
    assert_eq!(json["error"]["kind"], "rejected");
}

/// A server URL of several, none answering: the error names every one that was tried.
#[test]
fn an_unreachable_failover_list_is_named_whole() {
    let (t, _, _) = {
        let server = TestServer::start();
        with_token(&server)
    };
    let (first, second) = (closed_port_url(), closed_port_url());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &format!("{first},{second}"))
        .run()
        .code(Exit::Failure)
        .stderr_has(&format!("error: could not reach {first} or {second}: "))
        .stderr_has("check the server URL (from the MODAL_SERVER_URL environment variable)");
}
