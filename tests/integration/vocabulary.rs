//! One word for each outcome and one shape for a value and its origin, whichever command's
//! `--json` says it: `token info`, `profile list --check` and `doctor`.

use serde_json::Value;

use crate::support::{TestEnv, TestServer, closed_port_url};
use reference_server::{Fault, TokenState};

/// What `token info --json`, `profile list --check --json` and `doctor --json` say of the token
/// in effect (the file's only profile).
fn words(t: &TestEnv) -> [String; 3] {
    let json = |args: &[&str]| -> Value {
        let run = t.run(args);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}{}", run.stdout, run.stderr))
    };
    let info = json(&["token", "info", "--json"]);
    let list = json(&["profile", "list", "--check", "--json"]);
    let doctor = json(&["doctor", "--json"]);
    let word = |value: &Value| value.as_str().unwrap_or("(none)").to_owned();
    let info_word = match info["verified"].as_bool() {
        Some(true) => "ok".to_owned(),
        _ => word(&info["error"]["kind"]),
    };
    [
        info_word,
        word(&list[0]["status"]),
        word(&doctor["server"]["status"]),
    ]
}

#[test]
fn every_json_says_the_same_word_for_the_same_outcome() {
    let server = TestServer::start();
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SETUP_HTTP_TIMEOUT", "1");
    let file = format!("[ws]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nactive = true\n");
    t.write(&file);

    t.set_env("MODAL_SERVER_URL", server.url());
    assert_eq!(words(&t), ["ok"; 3]);
    server.set_fault("TokenInfoGet", Some(Fault::Hang));
    server.set_fault("WorkspaceNameLookup", Some(Fault::Hang));
    assert_eq!(words(&t), ["timed_out"; 3]);
    server.set_fault("TokenInfoGet", None);
    server.set_fault("WorkspaceNameLookup", None);
    server.set_token_state(&id, TokenState::Revoked);
    assert_eq!(words(&t), ["rejected"; 3]);
    t.set_env("MODAL_SERVER_URL", &closed_port_url());
    assert_eq!(words(&t), ["unreachable"; 3]);
    t.write("[ws]\nactive = true\n");
    assert_eq!(words(&t), ["no_token"; 3]);
}

/// Each document shows a setting flat and where it came from under `origins`.
#[test]
fn every_json_shows_a_value_and_its_origin_the_same_way() {
    let t = TestEnv::new();
    t.write("[ws]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    let origin = format!("profile 'ws' in {}", t.config.display());
    for args in [
        &["config", "show", "--json"][..],
        &["token", "info", "--json", "--no-verify"],
        &["doctor", "--json", "--no-verify"],
    ] {
        let run = t.run(args);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(json["token_id"], "ak-1", "{args:?}");
        assert_eq!(json["token_secret"], "***", "{args:?}");
        assert_eq!(json["origins"]["token_id"], origin.as_str(), "{args:?}");
        assert_eq!(json["profile"], "ws", "{args:?}");
    }
}
