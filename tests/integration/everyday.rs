//! The everyday verbs: `status`, `whoami`, `logout` (and `login`, which is `setup`), against
//! the reference server.

use modal_setup::Exit;
use reference_server::TokenState;

use crate::support::{TestEnv, TestServer};

/// A file with the profile `me` (active) holding a token the server minted, and `other`.
fn logged_in(server: &TestServer) -> (TestEnv, String) {
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", server.url());
    t.write(&format!(
        "[me]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nactive = true\n\n[other]\ntoken_id = \"ak-other\"\ntoken_secret = \"as-other\"\n"
    ));
    crate::support::make_private(&t.config);
    (t, id)
}

#[test]
fn status_says_who_with_which_token_and_that_every_client_uses_it() {
    let server = TestServer::start();
    let (t, id) = logged_in(&server);
    let run = t.run(&["status"]);
    run.success();
    for line in [
        format!("Logged in to {}", server.url()),
        "Workspace: ".to_owned(),
        "Profile: me (active = true in ".to_owned(),
        format!("Token: {id}, created "),
        "(0 days ago), expires never".to_owned(),
        "Used by: Modal's Python client, the JS SDK, the Go SDK".to_owned(),
    ] {
        assert!(run.stdout.contains(&line), "{line}: {}", run.stdout);
    }
    // Asked for another profile on purpose: the clients, which do not see the flag, would not.
    t.run(&["--profile", "other", "status"])
        .code(Exit::Rejected)
        .stderr_has("rejected the token");
    // A revoked token: the rejection and its exit code.
    server.set_token_state(&id, TokenState::Revoked);
    t.run(&["status"]).code(Exit::Rejected);
}

#[test]
fn status_warns_when_the_sdks_would_read_another_token() {
    let server = TestServer::start();
    let (t, _) = logged_in(&server);
    let (id, secret) = server.mint_token();
    t.token_set(&id, &secret)
        .profile("other")
        .no_activate()
        .run()
        .success();
    t.run(&["--profile", "other", "status"])
        .success()
        .stderr_has("would not use this token: `modal-setup doctor` says why");
}

#[test]
fn status_without_a_token_says_how_to_log_in() {
    let t = TestEnv::new();
    t.run(&["status"])
        .code(Exit::Failure)
        .stderr_has("error: no token id in effect")
        .stderr_has("log in with `modal-setup setup`");
}

#[test]
fn whoami_prints_the_workspace_and_the_user() {
    let server = TestServer::start();
    let (t, _) = logged_in(&server);
    let run = t.run(&["whoami"]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("Workspace: ") && lines[1].starts_with("User: "));
}

#[test]
fn logout_asks_then_revokes_the_token_and_removes_the_profile_in_effect() {
    let server = TestServer::start();
    let (t, id) = logged_in(&server);
    let before = t.read();
    // Without a terminal nothing is asked, so nothing happens without --yes.
    t.run(&["logout"])
        .code(Exit::Usage)
        .stderr_has("pass --yes to remove profile 'me'");
    assert_eq!(t.read(), before);
    t.run(&["logout", "--yes"])
        .success()
        .stderr_has(&format!("Revoked token {id}"))
        .stderr_has("Removed profile 'me'");
    assert_eq!(server.token_state(&id), Some(TokenState::Revoked));
    let after = t.read();
    assert!(
        !after.contains("[me]") && after.contains("[other]"),
        "{after}"
    );
}

#[test]
fn logout_keeps_the_profile_when_the_token_cannot_be_revoked() {
    let server = TestServer::start();
    let (t, id) = logged_in(&server);
    let before = t.read();
    server.set_fault(
        "TokenDelete",
        reference_server::Fault::parse_status("INTERNAL"),
    );
    t.run(&["logout", "--yes"])
        .code(Exit::Failure)
        .stderr_has("pass --force to remove the profile anyway");
    assert_eq!(t.read(), before, "byte-identical after a failure");
    t.run(&["logout", "--yes", "--force"]).success();
    assert!(!t.read().contains("[me]"));
    assert_eq!(server.token_state(&id), Some(TokenState::Valid));
}

/// The wrong port, as people meet it: the login pages' URL given as MODAL_SERVER_URL. The
/// reference server answers a gRPC client there with the API's URL (so do the SDKs see it);
/// a server that says nothing (as any web server's port does to HTTP/2's greeting) is named as
/// not Modal's API within 2 s, not waited out for the call's 30 s.
#[test]
fn the_login_pages_url_as_the_server_is_named_for_what_it_is() {
    let server = TestServer::start();
    let (t, _) = logged_in(&server);
    let says = format!(
        "this is the reference server's login pages port, not its gRPC API; the API is at {}",
        server.url()
    );
    for args in [&["token", "info"][..], &["setup", "--no-browser"]] {
        t.cmd(args)
            .env("MODAL_SERVER_URL", server.web_url())
            .run()
            .code(Exit::Failure)
            .stderr_has(&says);
    }
    // A port that accepts and never answers (the kernel accepts into the backlog).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &url)
        .env("MODAL_SETUP_HTTP_TIMEOUT", "30")
        .run()
        .code(Exit::Failure)
        .stderr_has("is not Modal's API: it does not answer HTTP/2 (it sent nothing within 2 s")
        .stderr_has("hint: check the server URL (from the MODAL_SERVER_URL environment variable)");
}
