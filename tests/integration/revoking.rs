//! Replacing and revoking tokens: `--delete-existing`, `token rotate`, `profile remove --revoke`,
//! shared tokens, and Ctrl-C around the write.

use std::time::Duration;

use modal_setup::Exit;
use reference_server::{Fault, TokenState};

use crate::support::browser::{Agent, BrowserScript, approve};
use crate::support::{TestEnv, TestServer, with_token};

const WAIT: Duration = Duration::from_secs(20);

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
