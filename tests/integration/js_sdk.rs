//! Modal's JS SDK (npm `modal` 0.11.1) as a judge: for files written by sequences of modal-setup
//! commands, hand-edited ambiguous files and every MODAL_* variable set, empty or unknown, a
//! Node program does what a user's program does (`new ModalClient()`, no credentials in code,
//! one call) against the reference server, and the test asserts that the SDK sent the token id,
//! the secret (as which minted token's secret it was, never the value), the server and the
//! environment that `modal-setup config show` reports, and that `doctor`'s JS column predicted
//! what the SDK resolved.
//!
//! The SDK is installed by `scripts/js-sdk` (run by .ci/run) into target/js-sdk. Where it or
//! `node` is missing the cases are skipped with a line on the terminal, except when
//! MODAL_SETUP_REQUIRE_JS_SDK=1 (as .ci/run sets it), where that fails.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use reference_server::{Options, Recorded};
use serde_json::Value;

use crate::support::{TestEnv, TestServer};

const JUDGE: &str = include_str!("../js-sdk/judge.mjs");

/// The SDK's directory with the judge program in it, or `None` (said on the terminal) when
/// this machine has no SDK or no node.
fn sdk() -> Option<PathBuf> {
    let dir = std::env::var_os("MODAL_SETUP_JS_SDK_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/js-sdk"),
        PathBuf::from,
    );
    let has_node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let has_sdk = dir.join("node_modules/modal/package.json").exists();
    if has_node && has_sdk {
        let script = dir.join("judge.mjs");
        // Tests run in parallel and node may be reading it: replaced whole, only when it
        // differs (a plain write truncates it under a running judge).
        if std::fs::read_to_string(&script).ok().as_deref() != Some(JUDGE) {
            let temp = dir.join(format!("judge.mjs.{}.tmp", std::process::id()));
            std::fs::write(&temp, JUDGE).expect("write the judge program");
            std::fs::rename(&temp, &script).expect("put the judge program in place");
        }
        return Some(script);
    }
    let why = if has_node {
        format!(
            "Modal's JS SDK is not in {} (run scripts/js-sdk)",
            dir.display()
        )
    } else {
        "node is not installed".to_owned()
    };
    crate::support::skip("js_sdk", crate::support::Needs::JsSdk, &why);
    None
}

/// What a case expects of the JS SDK.
enum Expect {
    /// It uses exactly what `config show` reports; its secret is the one of token `secret_of`
    /// (`None`: the token `config show` names).
    Agree { secret_of: Option<String> },
    /// It uses no token, as modal-setup reports.
    NoToken,
    /// It differs from modal-setup, which says so naming the JS SDK; its call ends with
    /// a message holding this.
    Differs(&'static str),
}

/// One case: a config written (by modal-setup or by hand) in `t`, the variables of the run.
struct Case {
    name: &'static str,
    t: TestEnv,
    env: Vec<(String, String)>,
    expect: Expect,
}

fn case(name: &'static str, t: TestEnv, expect: Expect) -> Case {
    Case {
        name,
        t,
        env: Vec::new(),
        expect,
    }
}

impl Case {
    fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }
}

/// What one run of the judge program saw and what the servers recorded of it.
struct Seen {
    js: Value,
    calls: Vec<(String, Recorded)>,
}

fn run_judge(script: &PathBuf, case: &Case, servers: &[&TestServer]) -> Seen {
    let before: Vec<usize> = servers.iter().map(|s| s.requests().len()).collect();
    // The harness's own environment for the case (HOME, PATH, MODAL_CONFIG_PATH, NO_COLOR).
    let harness = case.t.cmd(&[]).command;
    let mut node = Command::new("node");
    node.arg(script)
        .env_clear()
        .current_dir(case.t.dir())
        .stdin(Stdio::null());
    for (name, value) in harness.get_envs() {
        if let Some(value) = value {
            node.env(name, value);
        }
    }
    for (name, value) in &case.env {
        node.env(name, value);
    }
    let output = node.output().expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let js: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "{}: the judge printed no JSON\nstdout: {stdout}\nstderr: {}",
            case.name,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut calls = Vec::new();
    for (server, before) in servers.iter().zip(before) {
        for call in server.requests().into_iter().skip(before) {
            calls.push((server.url().to_owned(), call));
        }
    }
    Seen { js, calls }
}

fn json_of(case: &Case, args: &[&str]) -> Value {
    let mut cmd = case.t.cmd(args);
    for (name, value) in &case.env {
        cmd = cmd.env(name, value);
    }
    let run = cmd.run();
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("{}: {args:?} printed no JSON: {run:?}", case.name))
}

fn stderr_of(case: &Case, args: &[&str]) -> String {
    let mut cmd = case.t.cmd(args);
    for (name, value) in &case.env {
        cmd = cmd.env(name, value);
    }
    cmd.run().stderr
}

/// The problems of one case, empty when the SDK did what modal-setup says.
fn judge_case(script: &PathBuf, case: &Case, servers: &[&TestServer]) -> Vec<String> {
    let ours = json_of(case, &["config", "show", "--json"]);
    let doctor = json_of(case, &["doctor", "--json", "--no-verify"]);
    let warnings = stderr_of(case, &["config", "show"]);
    let seen = run_judge(script, case, servers);
    let js = &seen.js["resolved"];
    let predicted = &doctor["clients"]["js"];
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    // doctor's JS column is what the SDK resolved.
    let js_token = js["tokenId"].as_str();
    check(
        predicted["token_id"].as_str() == js_token,
        format!(
            "doctor predicted token {} for JS, it used {js_token:?}",
            predicted["token_id"]
        ),
    );
    check(
        predicted["server_url"] == js["serverUrl"],
        format!(
            "doctor predicted server {} for JS, it used {}",
            predicted["server_url"], js["serverUrl"]
        ),
    );
    check(
        predicted["environment"] == js["environment"],
        format!(
            "doctor predicted environment {} for JS, it used {}",
            predicted["environment"], js["environment"]
        ),
    );
    check(
        predicted["token_secret"].is_null() != js["hasSecret"].as_bool().unwrap_or(false),
        format!(
            "doctor predicted secret {} for JS, it has one: {}",
            predicted["token_secret"], js["hasSecret"]
        ),
    );
    let auth = seen.calls.iter().find(|(_, c)| c.rpc == "AuthTokenGet");
    let app = seen.calls.iter().find(|(_, c)| c.rpc == "AppGetOrCreate");
    let names_js = warnings.contains("the JS SDK");
    let call = seen.js["call"].as_str().unwrap_or_default().to_owned();
    match &case.expect {
        Expect::Agree { secret_of } => {
            let ours_id = ours["token_id"].as_str();
            check(ours_id.is_some(), "config show reports no token".into());
            check(
                js_token == ours_id,
                format!("JS used token {js_token:?}, config show reports {ours_id:?}"),
            );
            check(
                !names_js,
                format!("modal-setup warned about the JS SDK: {warnings}"),
            );
            check(
                predicted["usable"] == true,
                format!("doctor says JS cannot use it: {}", predicted["problem"]),
            );
            match auth {
                None => check(
                    false,
                    format!("no AuthTokenGet reached a server; the call said {call:?}"),
                ),
                Some((url, auth)) => {
                    // By port: `localhost` and 127.0.0.1 are the same server here.
                    let ours_server = ours["server_url"].as_str().unwrap_or_default();
                    let port = |url: &str| {
                        url.trim_end_matches('/')
                            .rsplit(':')
                            .next()
                            .map(str::to_owned)
                    };
                    check(
                        port(ours_server) == port(url),
                        format!("JS called {url}, config show reports {ours_server}"),
                    );
                    check(
                        auth.token_id.as_deref() == ours_id,
                        format!("AuthTokenGet carried {:?}", auth.token_id),
                    );
                    let wanted = secret_of.as_deref().or(ours_id);
                    check(
                        auth.secret_of.as_deref() == wanted,
                        format!(
                            "the secret sent was {:?}'s, not {wanted:?}'s",
                            auth.secret_of
                        ),
                    );
                }
            }
            if secret_of.is_none() {
                match app {
                    None => check(false, format!("the call did not get through: {call:?}")),
                    Some((_, app)) => check(
                        app.environment.as_deref() == ours["environment"].as_str(),
                        format!(
                            "JS sent environment {:?}, config show reports {}",
                            app.environment, ours["environment"]
                        ),
                    ),
                }
            }
        }
        Expect::NoToken => {
            check(
                ours["token_id"].is_null(),
                format!("config show reports token {}", ours["token_id"]),
            );
            check(js_token.is_none(), format!("JS used token {js_token:?}"));
            check(auth.is_none(), "an AuthTokenGet reached a server".into());
            check(
                call.contains("missing credentials"),
                format!("the call said {call:?}"),
            );
        }
        Expect::Differs(outcome) => {
            check(
                names_js,
                format!("modal-setup did not warn about the JS SDK: {warnings:?}"),
            );
            check(
                call.contains(outcome),
                format!("the call said {call:?}, not {outcome:?}"),
            );
        }
    }
    problems
}

/// A token written by `token set`, verified against `server` (which the file then names).
fn token_set(t: &TestEnv, server: &TestServer, profile: &str, extra: &[&str]) -> String {
    let (id, secret) = server.mint_token();
    let mut set = t.token_set(&id, &secret).profile(profile);
    for arg in extra {
        set = set.arg(arg);
    }
    set.cmd()
        .env("MODAL_SERVER_URL", server.url())
        .run()
        .success();
    id
}

fn hand_written(server: &TestServer, tables: &[(&str, bool)]) -> (TestEnv, Vec<String>) {
    let t = TestEnv::new();
    let mut text = String::new();
    let mut ids = Vec::new();
    for (name, active) in tables {
        let (id, secret) = server.mint_token();
        let active = if *active { "active = true\n" } else { "" };
        text.push_str(&format!(
            "[{name}]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{}\"\n{active}\n",
            server.url()
        ));
        ids.push(id);
    }
    t.write(&text);
    (t, ids)
}

fn cases(main: &TestServer, other: &TestServer) -> Vec<Case> {
    let agree = || Expect::Agree { secret_of: None };
    let mut cases = Vec::new();

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    cases.push(case("token set into a new file", t, agree()));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    token_set(&t, main, "b", &["--no-activate"]);
    cases.push(case("token set a, then b --no-activate", t, agree()));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    token_set(&t, main, "b", &[]);
    cases.push(case("token set a, then b", t, agree()));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    token_set(&t, main, "b", &[]);
    t.run(&["profile", "activate", "a"]).success();
    cases.push(case("token set a, b; profile activate a", t, agree()));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    token_set(&t, main, "b", &[]);
    t.run(&["profile", "remove", "b", "--yes"]).success();
    cases.push(case("remove the active profile: the one left", t, agree()));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    token_set(&t, main, "default", &["--no-activate"]);
    token_set(&t, main, "c", &[]);
    t.run(&["profile", "remove", "c", "--yes"]).success();
    cases.push(case("remove the active profile: default", t, agree()));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    token_set(&t, main, "b", &[]);
    token_set(&t, main, "c", &[]);
    t.run(&["profile", "remove", "c", "--yes"]).success();
    cases.push(case(
        "remove the active profile: none can be chosen",
        t,
        Expect::NoToken,
    ));

    let t = TestEnv::new();
    token_set(&t, main, "a", &[]);
    t.run(&["profile", "rename", "a", "z"]).success();
    cases.push(case("profile rename of the active profile", t, agree()));

    let t = TestEnv::new();
    let (id, secret) = main.mint_token();
    let url = format!(" {}/ ", main.url().replace("http://", "HTTP://"));
    t.token_set(&id, &secret)
        .cmd()
        .env("MODAL_SERVER_URL", &url)
        .run()
        .success();
    cases.push(case(
        "server_url given with spaces, capitals and a /",
        t,
        agree(),
    ));

    let t = TestEnv::new();
    let (id, secret) = main.mint_token();
    let url = main.url().replace("127.0.0.1", "localhost");
    t.token_set(&id, &secret)
        .no_verify()
        .cmd()
        .env("MODAL_SERVER_URL", &url)
        .run()
        .success();
    cases.push(case(
        "token set --no-verify with a localhost server",
        t,
        agree(),
    ));

    let mut t = TestEnv::new();
    t.set_env("MODAL_CONFIG_PATH", "~/alt.toml");
    token_set(&t, main, "a", &[]);
    cases.push(case("MODAL_CONFIG_PATH=~/alt.toml, literally", t, agree()));

    let (t, _) = hand_written(main, &[("a", true)]);
    let text = t.read();
    t.write(&format!("\u{feff}{text}"));
    token_set(&t, main, "b", &["--no-activate"]);
    cases.push(case("a byte-order mark, then a write", t, agree()));

    let (t, _) = hand_written(main, &[("default", false)]);
    cases.push(case(
        "hand-written: a lone [default] without active",
        t,
        Expect::Differs("missing credentials"),
    ));

    let (t, _) = hand_written(main, &[("default", false)]);
    t.run(&["profile", "activate", "default"]).success();
    cases.push(case(
        "hand-written lone [default], then profile activate",
        t,
        agree(),
    ));

    let (t, _) = hand_written(main, &[("b", true), ("7", true)]);
    cases.push(case(
        "hand-written: two active, '7' sorts first for JS",
        t,
        Expect::Differs("not found"),
    ));

    let (t, _) = hand_written(main, &[("b", true), ("7", true)]);
    token_set(&t, main, "c", &["--no-activate"]);
    cases.push(case("two active, then a write keeps the first", t, agree()));

    let (t, _) = hand_written(main, &[("a", true)]);
    let text = t
        .read()
        .replace(&format!("{}\"", main.url()), &format!("{}/\"", main.url()));
    t.write(&text);
    cases.push(case(
        "hand-written: server_url with a trailing /",
        t,
        Expect::Differs("Name resolution failed"),
    ));

    let (t, _) = hand_written(main, &[("a", true)]);
    let (id, secret) = main.mint_token();
    cases.push(
        case(
            "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET override the file",
            t,
            agree(),
        )
        .env("MODAL_TOKEN_ID", id)
        .env("MODAL_TOKEN_SECRET", secret),
    );

    let (t, ids) = hand_written(main, &[("a", true)]);
    let (id, _) = main.mint_token();
    cases.push(
        case(
            "MODAL_TOKEN_ID alone: the secret from the file",
            t,
            Expect::Agree {
                secret_of: Some(ids[0].clone()),
            },
        )
        .env("MODAL_TOKEN_ID", id),
    );

    let (t, _) = hand_written(main, &[("a", true), ("b", false)]);
    cases.push(
        case(
            "MODAL_PROFILE names a profile that is not active",
            t,
            agree(),
        )
        .env("MODAL_PROFILE", "b"),
    );

    let (t, _) = hand_written(main, &[("a", true)]);
    cases.push(
        case("MODAL_PROFILE names no profile", t, Expect::NoToken).env("MODAL_PROFILE", "ghost"),
    );

    let (t, _) = hand_written(main, &[("a", true), ("b", false)]);
    cases
        .push(case("MODAL_PROFILE empty: the active profile", t, agree()).env("MODAL_PROFILE", ""));

    let (t, _) = hand_written(main, &[("a", true)]);
    cases.push(case("MODAL_ENVIRONMENT", t, agree()).env("MODAL_ENVIRONMENT", "dev"));

    let (t, _) = hand_written(main, &[("a", true)]);
    t.write(&t.read().replace(
        "active = true\n",
        "active = true\nenvironment = \"staging\"\n",
    ));
    cases.push(case("the profile's environment", t, agree()));

    let (t, _) = hand_written(main, &[("a", true)]);
    cases.push(
        case("MODAL_ENVIRONMENT empty: the profile's", t, agree()).env("MODAL_ENVIRONMENT", ""),
    );

    let t = TestEnv::new();
    let (id, secret) = other.mint_token();
    t.write(&format!("[a]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{}\"\nactive = true\n", main.url()));
    cases.push(
        case("MODAL_SERVER_URL names another server", t, agree())
            .env("MODAL_SERVER_URL", other.url()),
    );

    let (t, _) = hand_written(main, &[("a", true)]);
    cases.push(
        case("MODAL_SERVER_URL empty: the profile's", t, agree()).env("MODAL_SERVER_URL", ""),
    );

    let (t, _) = hand_written(main, &[("a", true)]);
    cases.push(
        case("MODAL_TOKEN_ID empty: the file's", t, agree())
            .env("MODAL_TOKEN_ID", "")
            .env("MODAL_TOKEN_SECRET", ""),
    );

    let mut t = TestEnv::new();
    t.set_env("MODAL_CONFIG_PATH", "");
    token_set(&t, main, "a", &[]);
    cases.push(case("MODAL_CONFIG_PATH empty: ~/.modal.toml", t, agree()));

    let (t, _) = hand_written(main, &[("a", true)]);
    cases.push(
        case("an unknown MODAL_ variable changes nothing", t, agree())
            .env("MODAL_UNKNOWN_SETTING", "x"),
    );

    // The other door: what `token env` prints, as the environment of a home with no file.
    let (source, _) = hand_written(main, &[("a", true)]);
    let dotenv = source
        .cmd(&["token", "env", "--format", "dotenv"])
        .run_revealing()
        .stdout;
    let mut from_env = case("token env into an empty home", TestEnv::new(), agree());
    for line in dotenv.lines() {
        let (name, value) = line.split_once('=').expect("NAME=value");
        from_env = from_env.env(name, value);
    }
    cases.push(from_env);

    cases
}

#[test]
fn the_js_sdk_uses_what_modal_setup_reports() {
    let Some(script) = sdk() else { return };
    let main = TestServer::start();
    let other = TestServer::start();
    let cases = cases(&main, &other);
    assert!(cases.len() >= 25, "at least 25 cases");
    let mut failures = Vec::new();
    for case in &cases {
        let problems = judge_case(&script, case, &[&main, &other]);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", case.name, problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_js_sdk_authenticates_with_what_a_whole_setup_wrote() {
    let Some(script) = sdk() else { return };
    let server = TestServer::with(Options {
        auto_approve: Some(std::time::Duration::from_millis(50)),
        ..Options::default()
    });
    let t = TestEnv::new();
    t.cmd(&["setup", "--no-browser", "--timeout", "20"])
        .env("MODAL_SERVER_URL", server.url())
        .run()
        .success();
    let case = case("setup", t, Expect::Agree { secret_of: None });
    let problems = judge_case(&script, &case, &[&server]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let seen = server.requests();
    let auth = seen
        .iter()
        .rev()
        .find(|c| c.rpc == "AuthTokenGet")
        .expect("AuthTokenGet");
    assert!(
        auth.headers
            .iter()
            .any(|(k, v)| k == "x-modal-client-type" && v == "8"),
        "{auth:?}"
    );
}

/// AuthTokenGet as the SDKs send it, frame by frame: Go sends each `x-modal-*` header twice,
/// and a proxy may join the two into `v,v`. Returns the call's grpc-status.
fn auth_token_get(server: &TestServer, headers: &[(&str, &str)]) -> String {
    let port: u16 = server.url().rsplit(':').next().unwrap().parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let (client, connection) = h2::client::handshake(tcp).await.unwrap();
        tokio::spawn(connection);
        let mut client = client.ready().await.unwrap();
        let mut request = http::Request::post(format!(
            "http://127.0.0.1:{port}/modal.client.ModalClient/AuthTokenGet"
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (response, mut body) = client
            .send_request(request.body(()).unwrap(), false)
            .unwrap();
        // An empty AuthTokenGetRequest: no compression, length 0.
        body.send_data(bytes::Bytes::from_static(&[0, 0, 0, 0, 0]), true)
            .unwrap();
        let response = response.await.unwrap();
        if let Some(status) = response.headers().get("grpc-status") {
            return status.to_str().unwrap().to_owned();
        }
        let mut body = response.into_body();
        while let Some(data) = body.data().await {
            let data = data.unwrap();
            let _ = body.flow_control().release_capacity(data.len());
        }
        let trailers = body.trailers().await.unwrap().expect("trailers");
        trailers["grpc-status"].to_str().unwrap().to_owned()
    })
}

#[test]
fn the_reference_server_answers_the_sdks_first_call_with_headers_sent_twice() {
    let server = TestServer::start();
    let (id, secret) = server.mint_token();
    let go = |id: &str, secret: &str| {
        vec![
            ("x-modal-client-type", "9"),
            ("x-modal-client-type", "9"),
            ("x-modal-client-version", "1.0.0"),
            ("x-modal-client-version", "1.0.0"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .chain([
            ("x-modal-token-id", id.to_owned()),
            ("x-modal-token-id", id.to_owned()),
        ])
        .chain([
            ("x-modal-token-secret", secret.to_owned()),
            ("x-modal-token-secret", secret.to_owned()),
        ])
        .collect::<Vec<_>>()
    };
    let call = |headers: Vec<(&str, String)>| {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        auth_token_get(&server, &headers)
    };
    assert_eq!(call(go(&id, &secret)), "0", "two header fields each");
    let joined = vec![
        ("x-modal-client-type", "9,9".to_owned()),
        ("x-modal-client-version", "1.0.0,1.0.0".to_owned()),
        ("x-modal-token-id", format!("{id},{id}")),
        ("x-modal-token-secret", format!("{secret}, {secret}")),
    ];
    assert_eq!(call(joined), "0", "values joined by a comma");
    // 16: UNAUTHENTICATED, for a wrong secret and for parts that disagree.
    assert_eq!(call(go(&id, "as-wrong")), "16");
    let mixed = vec![
        ("x-modal-client-type", "9".to_owned()),
        ("x-modal-client-version", "1.0.0".to_owned()),
        ("x-modal-token-id", format!("{id},ak-other")),
        ("x-modal-token-secret", secret.clone()),
    ];
    assert_eq!(call(mixed), "16");
    let recorded = server.requests();
    assert_eq!(recorded.len(), 4);
    assert_eq!(recorded[0].token_id.as_deref(), Some(id.as_str()));
    assert_eq!(recorded[0].secret_of.as_deref(), Some(id.as_str()));
}

/// The README's JS example, saved as the README says (`app.mjs`), run by the real SDK against
/// the reference server after a `token set`: it prints the app id the server created.
#[test]
fn the_readme_js_example_prints_an_app_id() {
    let Some(script) = sdk() else { return };
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let example = readme
        .split("```js\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a js block in the README");
    assert!(readme.contains("app.mjs"), "the README names the file");
    let server = TestServer::start();
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", server.url());
    t.token_set(&id, &secret).run().success();
    // Beside the SDK, so that `import "modal"` finds it.
    let app = script.with_file_name("app.mjs");
    std::fs::write(&app, example).unwrap();
    let harness = t.cmd(&[]).command;
    let mut node = Command::new("node");
    node.arg(&app).env_clear().stdin(Stdio::null());
    for (name, value) in harness.get_envs() {
        if let Some(value) = value {
            node.env(name, value);
        }
    }
    let output = node.output().expect("run node");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && printed.trim().starts_with("ap-"),
        "stdout: {printed}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// OAuth, judged by the JS SDK: for each file and environment, `new ModalClient()` refuses the
/// credentials in the words doctor's JS column quotes, or takes them and sends them on its first
/// call (the reference server, which mints no OAuth, then refuses the call); doctor's JS column
/// predicts which.
#[test]
fn doctor_s_js_column_knows_how_the_sdk_takes_oauth() {
    let Some(script) = sdk() else { return };
    let server = TestServer::start();
    let token = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n";
    let oauth = "[a]\noauth_refresh_token = \"rt\"\noauth_client_id = \"cid\"\noauth_client_secret = \"cs\"\nactive = true\n";
    let no_secret = oauth.replace("oauth_client_secret = \"cs\"\n", "");
    let with_key = oauth.replace("active", "oauth_jwt_key = \"k\"\nactive");
    let both = "Modal token credentials and OAuth credentials cannot both be configured.";
    let incomplete = "OAuth refresh token, client ID, and exactly one of client secret or JWT key must all be configured.";
    /// The file, the variables, and the words the SDK refuses them with (none: taken).
    type OAuthCase<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<&'a str>);
    let cases: Vec<OAuthCase<'_>> = vec![
        (token, vec![("MODAL_OAUTH_CLIENT_ID", "cid")], Some(both)),
        (oauth, vec![("MODAL_TOKEN_ID", "ak-1")], Some(both)),
        (&no_secret, vec![], Some(incomplete)),
        (&with_key, vec![], Some(incomplete)),
        (oauth, vec![], None),
        (&no_secret, vec![("MODAL_OAUTH_CLIENT_SECRET", "cs")], None),
    ];
    for (file, env, refused) in cases {
        let t = TestEnv::new();
        t.write(file);
        let mut case = case("oauth", t, Expect::NoToken).env("MODAL_SERVER_URL", server.url());
        for (name, value) in &env {
            case = case.env(name, *value);
        }
        let seen = run_judge(&script, &case, &[&server]);
        let mut doctor = case.t.cmd(&["doctor", "--json", "--no-verify"]);
        doctor = doctor.env("MODAL_SERVER_URL", server.url());
        for (name, value) in &env {
            doctor = doctor.env(name, value);
        }
        let report: Value = serde_json::from_str(&doctor.run().stdout).unwrap();
        let js = &report["clients"]["js"];
        let problem = js["problem"].as_str().unwrap_or_default();
        let thrown = seen.js["constructorError"].as_str().unwrap_or_default();
        match refused {
            Some(words) => {
                assert_eq!(thrown, words, "{file} {env:?}: {}", seen.js);
                assert!(
                    problem.contains(words),
                    "{file} {env:?}: doctor said {problem}"
                );
            }
            None => {
                assert_eq!(thrown, "", "{file} {env:?}: {}", seen.js);
                let sent_oauth = seen.calls.iter().any(|(_, call)| {
                    call.headers
                        .iter()
                        .any(|(k, _)| k == "x-modal-refresh-token")
                });
                assert!(sent_oauth, "{file} {env:?}: the SDK sent no OAuth header");
                assert_eq!(js["credentials"], "oauth", "{file} {env:?}: {js}");
            }
        }
    }
}
