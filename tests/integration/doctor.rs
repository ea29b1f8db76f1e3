//! `doctor` against the reference server: the server's view of the token, the exit codes, the
//! checks of the troubleshooting list, and JSON that is whole whatever the outcome.

use modal_setup::Exit;
use reference_server::TokenState;
use serde_json::Value;

use crate::support::{TestEnv, TestServer, closed_port_url};

fn written(server: &TestServer) -> (TestEnv, String) {
    let t = TestEnv::new();
    let (id, secret) = server.mint_token();
    t.token_set(&id, &secret)
        .profile("work")
        .cmd()
        .env("MODAL_SERVER_URL", server.url())
        .run()
        .success();
    (t, id)
}

#[test]
fn a_token_every_client_uses_and_the_server_accepts_exits_0() {
    let mut server = TestServer::start();
    server.expect("TokenInfoGet", 2);
    let (t, id) = written(&server);
    let run = t.run(&["doctor"]);
    run.success();
    run.stdout_has("✓ http://127.0.0.1:");
    run.stdout_has(&format!(
        "accepts token {id} (workspace demo-workspace, demo-user); it never expires"
    ));
    assert!(run.stdout.contains(
        "✓ Modal's Python client and its JS and Go SDKs will all use the token modal-setup reports"
    ));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let json: Value = serde_json::from_str(&t.run(&["doctor", "--json"]).stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["server"]["status"], "ok");
    for client in ["modal-setup", "python", "js", "go"] {
        assert_eq!(json["clients"][client]["token_id"], id.as_str(), "{client}");
        assert_eq!(json["clients"][client]["usable"], true, "{client}");
    }
}

#[test]
fn a_revoked_token_an_unreachable_server_and_no_token_exit_1_with_whole_json() {
    let server = TestServer::start();
    let (t, id) = written(&server);
    server.set_token_state(&id, TokenState::Revoked);
    let run = t.run(&["doctor"]);
    run.code(Exit::Failure).stderr_has(
        "error: 1 problem(s) found: Modal's clients will not all use the same valid token",
    );
    run.stdout_has("✗ the server at http://127.0.0.1:");
    run.stdout_has("(revoked, expired or never valid); log in again with `modal-setup setup`");
    let json = t.run(&["doctor", "--json"]);
    json.code(Exit::Failure);
    let json: Value = serde_json::from_str(&json.stdout).expect("whole JSON on failure");
    assert_eq!(
        (json["ok"].clone(), json["server"]["status"].clone()),
        (Value::Bool(false), "rejected".into())
    );

    let unreachable = t
        .cmd(&["doctor", "--json"])
        .env("MODAL_SERVER_URL", &closed_port_url())
        .run();
    unreachable.code(Exit::Failure);
    let json: Value = serde_json::from_str(&unreachable.stdout).unwrap();
    assert_eq!(json["server"]["status"], "unreachable");

    // Offline: the same token everywhere is enough.
    t.run(&["doctor", "--no-verify"]).success();
    let empty = TestEnv::new();
    let run = empty.run(&["doctor", "--no-verify"]);
    run.code(Exit::Failure);
    run.stdout_has("✗ no token in effect (profile 'default'); log in with `modal-setup setup`");
}

#[cfg(unix)]
#[test]
fn the_troubleshooting_checks_name_their_fix() {
    let server = TestServer::start();
    let (mut t, _) = written(&server);
    std::fs::set_permissions(
        &t.config,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    t.set_env("MODAL_TOKEN_ID", "ak-env");
    t.set_env("MODAL_TOKEN_SECRET", "as-env");
    let run = t.run(&["doctor", "--no-verify"]);
    // Warnings, not failures: every client uses the same (environment's) token.
    run.success();
    run.stdout_has("! MODAL_TOKEN_ID and MODAL_TOKEN_SECRET set in the environment override the file's token; `unset MODAL_TOKEN_ID MODAL_TOKEN_SECRET` to use the token of the file");
    run.stdout_has(&format!(
        "is readable by other users (mode 0644); chmod 600 {}",
        t.config.display()
    ));
    // A file the JS and Go SDKs read differently fails, with the command that fixes it.
    t.remove_env("MODAL_TOKEN_ID");
    t.remove_env("MODAL_TOKEN_SECRET");
    t.write(&t.read().replace("active = true\n", ""));
    let run = t.run(&["doctor", "--no-verify"]);
    run.code(Exit::Failure);
    // Nobody uses its token: Python looks for [default], the SDKs for an active table.
    run.stdout_has(
        "✗ no token in effect (profile 'default'); run `modal-setup profile activate work`",
    );
    t.run(&["profile", "activate", "work"]).success();
    t.run(&["doctor", "--no-verify"]).success();
}

/// `doctor --fix`: shows what it will change, asks (or takes --yes), changes only that (no
/// credential, comments kept), then checks again; without --yes and a terminal it changes
/// nothing.
#[test]
fn fix_makes_the_changes_a_write_cures_and_checks_again() {
    let t = TestEnv::new();
    let broken = "\u{feff}# mine\n[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nserver_url = \"http://127.0.0.1:9/\"\nactive = true\n\n[b]  # other\ntoken_id = \"ak-2\"\ntoken_secret = \"as-2\"\nactive = true\n";
    t.write(broken);
    crate::support::make_private(&t.config);
    t.run(&["doctor", "--fix", "--no-verify"])
        .code(Exit::Usage)
        .stderr_has("--fix will make profile 'a' the only active one")
        .stderr_has("--fix will write server_url = \"http://127.0.0.1:9\" in profile 'a'")
        .stderr_has("pass --yes to apply these changes without being asked");
    assert_eq!(t.read(), broken, "nothing changes without a yes");
    let run = t.run(&["doctor", "--fix", "--yes", "--no-verify"]);
    run.success().stderr_has("✓ Applied 2 change(s) to");
    run.stdout_has("will all use the token modal-setup reports");
    assert_eq!(
        t.read(),
        "# mine\n[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nserver_url = \"http://127.0.0.1:9\"\nactive = true\n\n[b]  # other\ntoken_id = \"ak-2\"\ntoken_secret = \"as-2\"\n"
    );
    t.run(&["doctor", "--fix", "--yes", "--no-verify"])
        .success()
        .stderr_has("Nothing for --fix to change");
    // What only the user can choose (which of two profiles to use) is left to them.
    let ambiguous = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\n[b]\ntoken_id = \"ak-2\"\ntoken_secret = \"as-2\"\n";
    t.write(ambiguous);
    t.run(&["doctor", "--fix", "--yes", "--no-verify"])
        .code(Exit::Failure)
        .stderr_has("Nothing for --fix to change");
    assert_eq!(t.read(), ambiguous);
    t.run(&["doctor", "--fix", "--json"]).code(Exit::Usage);
}

/// A file modal-setup cannot parse still gets a whole report, text and JSON: the parse error
/// and what each client makes of the file (the JS SDK and the Go SDK were run on such a file:
/// an empty profile, and NewClient failing).
#[test]
fn a_file_that_does_not_parse_still_gets_a_whole_report() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-1\"\ntoken_id = \"ak-2\"\nactive = true\n");
    let run = t.run(&["doctor"]);
    run.code(Exit::Failure)
        .stderr_has(":3:1: invalid TOML: duplicate key");
    run.stdout_has("✗ modal-setup cannot parse it\n- Modal's Python client may read it");
    assert!(
        run.stdout
            .contains("- the JS SDK takes the file for an empty one: no profile, so no token")
    );
    let json = t
        .cmd(&["doctor", "--json"])
        .env("MODAL_TOKEN_ID", "ak-env")
        .env("MODAL_TOKEN_SECRET", "as-env")
        .run_revealing();
    json.code(Exit::Failure);
    let report: Value = serde_json::from_str(&json.stdout).expect("whole JSON");
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"]["kind"], "error");
    assert_eq!(report["clients"]["python"]["usable"], Value::Null);
    assert_eq!(
        report["clients"]["js"]["usable"], true,
        "the variables carry it"
    );
    assert_eq!(report["clients"]["go"]["usable"], false);
    // An OAuth variable beside them: the JS SDK refuses both (found by the differential test).
    let both = t
        .cmd(&["doctor", "--json"])
        .env("MODAL_TOKEN_ID", "ak-env")
        .env("MODAL_TOKEN_SECRET", "as-env")
        .env("MODAL_OAUTH_CLIENT_ID", "made-up")
        .run_revealing();
    let report: Value = serde_json::from_str(&both.stdout).expect("whole JSON");
    assert_eq!(report["clients"]["js"]["usable"], false);
    assert!(
        report["clients"]["js"]["problem"]
            .as_str()
            .is_some_and(|p| p.contains("token and OAuth variables are both set")),
        "{report}"
    );
}

/// Valid TOML with a value modal-setup refuses (`active = "true"`): the JS SDK does not take it
/// for an empty file (it reads it, and a truthy `active`; found by the differential test), so
/// doctor says what Python and JS use is not known; Go fails to decode it (seen with the Go
/// SDK).
#[test]
fn valid_toml_with_a_refused_value_is_not_called_empty() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = \"true\"\n");
    let run = t.run(&["doctor", "--no-verify"]);
    run.code(Exit::Failure)
        .stderr_has("'active' in profile 'a' must be true or false")
        .stdout_has("- the JS SDK reads it (it is valid TOML; modal-setup refuses only a value in it): what it uses from it is not known here")
        .stdout_has("- the Go SDK fails to start (NewClient: go-toml v2 cannot decode");
    let json = t.run(&["doctor", "--json", "--no-verify"]);
    let report: Value = serde_json::from_str(&json.stdout).expect("whole JSON");
    let usable = |client: &str| report["clients"][client]["usable"].clone();
    assert_eq!(
        [usable("python"), usable("js"), usable("go")],
        [Value::Null, Value::Null, Value::from(false)]
    );
}
