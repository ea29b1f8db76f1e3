//! OAuth credentials, Modal's second kind (Python 1.6.4 and the JS SDK 0.11.1 read them; the Go
//! SDK 0.7.2 does not): shown as what they are, never their values, never beside a token.

use modal_setup::Exit;
use serde_json::Value;

use crate::support::TestEnv;

const OAUTH: &str = "oauth_refresh_token = \"rt-secret-refresh\"\noauth_client_id = \"cid-secret-id\"\noauth_client_secret = \"cs-secret-client\"\n";
const VALUES: [&str; 4] = [
    "rt-secret-refresh",
    "cid-secret-id",
    "cs-secret-client",
    "jwt-secret-key",
];

fn oauth_only() -> TestEnv {
    let t = TestEnv::new();
    t.write(&format!("[app]\n{OAUTH}active = true\n"));
    crate::support::make_private(&t.config);
    t
}

#[test]
fn no_command_shows_an_oauth_value() {
    let t = oauth_only();
    for args in [
        &["config", "show"][..],
        &["config", "show", "--origin", "--json"],
        &["-v", "config", "show"],
        &["doctor", "--no-verify"],
        &["doctor", "--json", "--no-verify"],
        &["-v", "token", "info"],
        &["token", "info", "--json"],
        &["profile", "list"],
        &["status"],
    ] {
        let run = t
            .cmd(args)
            .env("MODAL_OAUTH_JWT_KEY", "jwt-secret-key")
            .run();
        for value in VALUES {
            assert!(
                !run.stdout.contains(value) && !run.stderr.contains(value),
                "{args:?} showed an OAuth value:\n{}{}",
                run.stdout,
                run.stderr
            );
        }
    }
    // profile list marks the kind, in the table and the JSON.
    let listed = t.run(&["profile", "list"]);
    listed.stdout_has("• app      (OAuth)");
    let json: Value = serde_json::from_str(&t.run(&["profile", "list", "--json"]).stdout).unwrap();
    assert_eq!(json[0]["oauth"], true);
    let shown = t.run(&["config", "show"]);
    shown.stdout_has("oauth_refresh_token  ***");
    assert!(
        !shown.stdout.contains("oauth_jwt_key"),
        "unset keys are not listed"
    );
}

#[test]
fn doctor_says_which_clients_use_oauth_and_that_go_has_none() {
    let t = oauth_only();
    let run = t.run(&["doctor", "--no-verify"]);
    run.code(Exit::Failure);
    run.stdout_has("✗ the Go SDK would find no token: it reads no OAuth credentials");
    run.stdout_has("- not asked (--no-verify)");
    assert!(!run.stdout.contains("log in with"), "{}", run.stdout);
    let json: Value =
        serde_json::from_str(&t.run(&["doctor", "--json", "--no-verify"]).stdout).unwrap();
    for (client, kind, usable) in [
        ("modal-setup", Value::from("oauth"), true),
        ("python", "oauth".into(), true),
        ("js", "oauth".into(), true),
        ("go", Value::Null, false),
    ] {
        assert_eq!(json["clients"][client]["credentials"], kind, "{client}");
        assert_eq!(json["clients"][client]["usable"], usable, "{client}");
    }
    t.run(&["token", "info", "--no-verify"])
        .success()
        .stdout_has(
            "Credentials: OAuth (oauth_refresh_token, oauth_client_id, oauth_client_secret)",
        );
}

/// OAuth credentials are checked with the server as Modal's client sends them
/// (WorkspaceNameLookup with `x-modal-refresh-token`, `x-modal-oauth-client-id` and
/// `x-modal-oauth-client-secret`, as its `profile list` asks): `token info`, `profile list
/// --check` and doctor say the workspace, or that the server refused them; no value is shown.
#[test]
fn oauth_credentials_are_checked_with_the_server() {
    let server = crate::support::TestServer::start();
    let (refresh, client_id, secret, _) = server.mint_oauth();
    let t = TestEnv::new();
    let profile = |secret: &str| {
        format!(
            "oauth_refresh_token = \"{refresh}\"\noauth_client_id = \"{client_id}\"\noauth_client_secret = \"{secret}\"\nserver_url = \"{}\"\n",
            server.url()
        )
    };
    t.write(&format!(
        "[app]\n{}active = true\n\n[wrong]\n{}",
        profile(&secret),
        profile("os-wrong")
    ));
    crate::support::make_private(&t.config);
    let values = [refresh.as_str(), client_id.as_str(), secret.as_str()];
    let shows_none = |run: &crate::support::Run| {
        for value in values {
            assert!(
                !run.stdout.contains(value) && !run.stderr.contains(value),
                "{run:#?}"
            );
        }
    };
    let info = t.run(&["-v", "token", "info"]);
    info.success()
        .stdout_has(
            "Credentials: OAuth (oauth_refresh_token, oauth_client_id, oauth_client_secret)",
        )
        .stdout_has("Workspace: demo-workspace");
    shows_none(&info);
    let json = t.run(&["token", "info", "--json"]);
    shows_none(&json);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["verified"], true);
    assert_eq!(report["server"]["workspace"], "demo-workspace");
    let listed = t.run(&["profile", "list", "--check", "--json"]);
    listed.code(Exit::Failure);
    shows_none(&listed);
    let rows: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(
        (
            &rows[0]["status"],
            &rows[0]["workspace"],
            &rows[1]["status"]
        ),
        (
            &Value::from("ok"),
            &Value::from("demo-workspace"),
            &Value::from("rejected")
        )
    );
    let status = t.run(&["status"]);
    status
        .success()
        .stdout_has("with OAuth\nWorkspace: demo-workspace\nProfile: app");
    shows_none(&status);
    let doctor = t.run(&["doctor"]);
    doctor.stdout_has("accepts the OAuth credentials (workspace demo-workspace)");
    shows_none(&doctor);
    // What reached the server: the three headers, and no token.
    let lookups: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.rpc == "WorkspaceNameLookup")
        .collect();
    assert!(!lookups.is_empty());
    for call in &lookups {
        let has = |name: &str| call.headers.iter().any(|(n, _)| n == name);
        assert!(has("x-modal-refresh-token") && has("x-modal-oauth-client-id"));
        assert!(has("x-modal-oauth-client-secret") && !has("x-modal-token-id"));
    }
    // The wrong profile's credentials are refused by `token info`, with the rejection's code.
    t.cmd(&["token", "info"])
        .env("MODAL_PROFILE", "wrong")
        .run()
        .code(Exit::Rejected)
        .stderr_has("rejected the OAuth credentials: Invalid OAuth credentials")
        .stderr_has("get new ones from the integration that issued them");
    let doctor = t.cmd(&["doctor"]).env("MODAL_PROFILE", "wrong").run();
    doctor
        .code(Exit::Failure)
        .stdout_has("rejected the OAuth credentials: Invalid OAuth credentials; they were revoked");
}

#[test]
fn a_token_is_never_written_beside_oauth_silently() {
    let t = oauth_only();
    let before = t.read();
    t.token_set("ak-1", "as-1")
        .profile("app")
        .no_verify()
        .run()
        .code(Exit::Usage)
        .stderr_has("profile 'app' holds OAuth credentials (oauth_refresh_token, oauth_client_id, oauth_client_secret)")
        .stderr_has("hint: write the token into another profile (--profile NAME), or remove the OAuth keys from 'app' first");
    assert_eq!(t.read(), before, "byte-identical after the refusal");
    // Into a profile of its own: written, and a variable beside it is warned about.
    t.token_set("ak-1", "as-1")
        .profile("tok")
        .no_verify()
        .cmd()
        .env("MODAL_OAUTH_CLIENT_ID", "cid-secret-id")
        .run()
        .success()
        .stderr_has("MODAL_OAUTH_CLIENT_ID set in the environment: beside this token, Modal's Python client and the JS SDK refuse to start");
    // A token beside OAuth, by hand: every command that shows credentials says so.
    t.write(&format!(
        "[app]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\n{OAUTH}active = true\n"
    ));
    t.run(&["config", "show"]).success().stderr_has(
        "Modal's Python client and the JS SDK would refuse to start: \"Modal token credentials and OAuth credentials cannot both be configured.\"",
    );
}
