//! `token info`: the token in effect, where each half comes from, what the server says, and
//! JSON that is whole whatever happens.

use modal_setup::Exit;
use reference_server::TokenState;
use serde_json::Value;

use crate::support::{TestEnv, TestServer, closed_port_url, with_token};

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
