//! Modal's Go SDK (0.7.2) as a judge: `modal-go-probe` (built on the real SDK, provided in the
//! workplace's shared/judges/go/, unpacked by `scripts/go-judge`) does what a Go user's program
//! does with the file and the environment, and each case asserts that `doctor`'s Go column
//! predicted it: the token, the server it dialled, the environment it sent, or that it could
//! not work at all. The probe's output holds the secret: it is compared, never printed.
//!
//! Where the probe is missing the cases are skipped with a line on the terminal, except when
//! MODAL_SETUP_REQUIRE_GO_SDK=1 (as .ci/run sets it), where that fails.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{Needs, TestEnv, TestServer, skip};

/// The probe, or `None` (said on the terminal) when it is not unpacked here.
fn probe() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/go-judge/modal-go-probe");
    if path.exists() {
        return Some(path);
    }
    skip(
        "go_sdk",
        Needs::GoSdk,
        "the Go SDK judge is not unpacked (run scripts/go-judge)",
    );
    None
}

/// What the Go SDK used, run with the environment of `t` plus `env`: the probe's JSON with
/// the secret replaced by whether it equals `secret`.
fn go_uses(probe: &PathBuf, t: &TestEnv, env: &[(&str, &str)], secret: &str) -> Value {
    let harness = t.cmd(&[]).command;
    let mut go = Command::new(probe);
    go.env_clear().current_dir(t.dir()).stdin(Stdio::null());
    for (name, value) in harness.get_envs() {
        if let Some(value) = value {
            go.env(name, value);
        }
    }
    go.envs(env.iter().copied());
    let output = go.output().expect("run the Go probe");
    let mut seen: Value = serde_json::from_slice(&output.stdout).expect("the probe prints JSON");
    let sent = seen["token_secret"].as_str().unwrap_or_default().to_owned();
    let first = |text: &str| text.split(',').next().unwrap_or_default().to_owned();
    seen["token_secret"] = Value::from(!sent.is_empty() && first(&sent) == secret);
    if let Some(id) = seen["token_id"].as_str() {
        seen["token_id"] = Value::from(first(id));
    }
    seen
}

/// doctor's Go column for `t` with `env`.
fn predicted(t: &TestEnv, env: &[(&str, &str)]) -> Value {
    let mut cmd = t.cmd(&["doctor", "--json", "--no-verify"]);
    for (name, value) in env {
        cmd = cmd.env(name, value);
    }
    let run = cmd.run();
    let doctor: Value = serde_json::from_str(&run.stdout).expect("doctor prints JSON");
    doctor["clients"]["go"].clone()
}

/// The port a URL or a `host:port` target names.
fn port(text: &str) -> &str {
    text.trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap_or_default()
}

/// doctor said what the Go SDK did: the same token, secret, server and environment when it
/// predicted a usable column, and a failure (no token, an error, another server) when not.
#[track_caller]
fn assert_judged(case: &str, go: &Value, predicted: &Value) {
    let shown = |v: &Value| {
        let mut v = v.clone();
        v["token_secret"] = Value::from("(compared, not shown)");
        v
    };
    let said = format!("{case}: doctor {predicted}\nGo SDK {}", shown(go));
    // The reference server answers the call (AppGetOrCreate) with NOT_FOUND, as Modal does for
    // an app that does not exist: that answer means the token was accepted and the call made.
    let error = go["error"].as_str().unwrap_or_default();
    let url = predicted["server_url"].as_str().unwrap_or_default();
    let reached = (error.is_empty() || error.contains("App 'probe' not found"))
        && port(go["target"].as_str().unwrap_or_default()) == port(url);
    if predicted["usable"] == true {
        assert!(reached, "{said}");
        assert_eq!(go["token_id"], predicted["token_id"], "{said}");
        assert_eq!(go["token_secret"], true, "{said}");
        let environment = go["environment"].as_str().filter(|e| !e.is_empty());
        assert_eq!(environment, predicted["environment"].as_str(), "{said}");
    } else {
        assert!(!reached, "doctor says Go cannot use it, and it did\n{said}");
    }
}

/// A case: its name, the file, the variables, and the secret the Go SDK should send.
type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, &'a str);

#[test]
fn doctor_s_go_column_says_what_the_go_sdk_uses() {
    let Some(probe) = probe() else { return };
    let server = TestServer::start();
    let (id, secret) = server.mint_token();
    let (other_id, other_secret) = server.mint_token();
    let url = server.url().to_owned();
    let profile = |name: &str, id: &str, secret: &str| {
        format!(
            "[{name}]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{url}\"\n"
        )
    };
    let t = TestEnv::new();
    let written = t
        .token_set(&id, &secret)
        .profile("ws")
        .cmd()
        .env("MODAL_SERVER_URL", &url)
        .run();
    written.success();
    let with_environment = TestEnv::new();
    with_environment.write(&t.read());
    with_environment
        .run(&["config", "set-environment", "stage"])
        .success();
    let cases: Vec<Case<'_>> = vec![
        ("written by token set", t.read(), vec![], &secret),
        (
            "an environment set by config set-environment",
            with_environment.read(),
            vec![],
            &secret,
        ),
        (
            "with MODAL_ENVIRONMENT",
            t.read(),
            vec![("MODAL_ENVIRONMENT", "stage")],
            &secret,
        ),
        (
            "MODAL_PROFILE names the inactive one",
            format!(
                "{}active = true\n{}",
                profile("a", &other_id, &other_secret),
                profile("b", &id, &secret)
            ),
            vec![("MODAL_PROFILE", "b")],
            &secret,
        ),
        (
            "the token from MODAL_TOKEN_ID and MODAL_TOKEN_SECRET",
            t.read(),
            vec![
                ("MODAL_TOKEN_ID", &other_id),
                ("MODAL_TOKEN_SECRET", &other_secret),
            ],
            &other_secret,
        ),
        (
            "several profiles, none active",
            format!(
                "{}{}",
                profile("a", &id, &secret),
                profile("b", &other_id, &other_secret)
            ),
            vec![],
            &secret,
        ),
        (
            "a byte-order mark",
            format!("\u{feff}{}active = true\n", profile("a", &id, &secret)),
            vec![],
            &secret,
        ),
        (
            "TOML 1.1: a trailing comma in an inline table",
            format!(
                "{}active = true\nx = {{ b = 1, }}\n",
                profile("a", &id, &secret)
            ),
            vec![],
            &secret,
        ),
        (
            "TOML 1.1: a time without seconds (go-toml v2 reads it)",
            format!("{}active = true\nx = 07:32\n", profile("a", &id, &secret)),
            vec![],
            &secret,
        ),
        (
            "TOML 1.1: a \\x escape",
            format!(
                "{}active = true\nx = \"a\\x41\"\n",
                profile("a", &id, &secret)
            ),
            vec![],
            &secret,
        ),
        (
            "TOML 1.1: a \\e escape (go-toml v2 reads it)",
            format!(
                "{}active = true\nx = \"a\\e\"\n",
                profile("a", &id, &secret)
            ),
            vec![],
            &secret,
        ),
        (
            "TOML 1.1: a line break in an inline table",
            format!(
                "{}active = true\nx = {{ b = 1,\n  c = 2 }}\n",
                profile("a", &id, &secret)
            ),
            vec![],
            &secret,
        ),
        (
            "an array of mixed types (TOML 1.0 allows it)",
            format!(
                "{}active = true\nx = [1, \"a\"]\n",
                profile("a", &id, &secret)
            ),
            vec![],
            &secret,
        ),
        (
            "http:// without a port",
            format!(
                "[a]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"http://127.0.0.1\"\nactive = true\n"
            ),
            vec![],
            &secret,
        ),
    ];
    for (case, text, env, secret) in cases {
        t.write(&text);
        crate::support::make_private(&t.config);
        let go = go_uses(&probe, &t, &env, secret);
        let predicted = predicted(&t, &env);
        if case.contains("set-environment") {
            assert_eq!(go["environment"], "stage", "{case}");
        }
        assert_judged(case, &go, &predicted);
    }
}

/// HOME set but empty and no MODAL_CONFIG_PATH: the Go SDK does not start, even with token
/// variables, in the words doctor's Go column quotes (the clients model's unit tests show that
/// doctor says so; doctor is not run here, as it would read the real home's file).
#[test]
fn the_go_sdk_does_not_start_with_an_empty_home() {
    use modal_setup::config::clients::{Cause, Client};
    let Some(probe) = probe() else { return };
    let server = TestServer::start();
    let (id, secret) = server.mint_token();
    let t = TestEnv::new();
    let mut go = Command::new(&probe);
    go.env_clear()
        .current_dir(t.dir())
        .stdin(Stdio::null())
        .env("HOME", "")
        .env("MODAL_SERVER_URL", server.url())
        .env("MODAL_TOKEN_ID", &id)
        .env("MODAL_TOKEN_SECRET", &secret);
    let output = go.output().expect("run the Go probe");
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the probe prints JSON");
    let error = seen["error"].as_str().unwrap_or_default();
    let quoted = "cannot locate homedir: $HOME is not defined";
    assert!(
        error.starts_with("NewClient") && error.contains(quoted),
        "{error}"
    );
    assert!(Cause::NoHome.what(Client::Go).contains(quoted));
}
