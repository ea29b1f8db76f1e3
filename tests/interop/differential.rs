//! doctor against the three real clients on generated cases: files (profiles with dotted and
//! quoted names, active flags, tokens whole or in part, server_url forms, environments, OAuth
//! keys, syntax only newer TOML parsers take, duplicate keys, byte-order marks, CRLF) and the
//! variables of a run (MODAL_PROFILE, token, server, environment and OAuth variables). Each case
//! goes to `doctor --json` and to each client: Modal's Python client 1.6.4 and JS SDK 0.11.1 in
//! one process each for all cases (tests/interop/differential.py, tests/js-sdk/differential.mjs:
//! they resolve with their own code; JS then calls the reference server where it has a token),
//! and the Go SDK 0.7.2's probe once a case (it calls the reference server). A doctor column
//! that says other than the client it names fails the test with the case's file and variables.
//! The seed is printed (`DIFFERENTIAL_SEED=S` replays it; `DIFFERENTIAL_CASES=N` sets how many).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use reference_server::{Options, ReferenceServer};
use serde_json::{Value, json};

use crate::support::{Needs, Rng, skip};

const CASES: usize = 300;
/// Profile names: plain, dotted and spaced (quoted), array indices (JS orders them first),
/// and `team.dev` written as a dotted header (a table `team` holding `dev`).
const NAMES: [&str; 8] = [
    "default",
    "ws",
    "ci",
    "a.b",
    "with space",
    "7",
    "0",
    "team.dev",
];

/// What the generator draws with (the shared generator, in the sizes of this file).
trait Draw {
    fn under(&mut self, n: usize) -> usize;
    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.under(n) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.under(items.len())]
    }
}

impl Draw for Rng {
    fn under(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
}

/// A case: the file's bytes, where it is, and the variables of the run.
struct Case {
    file: String,
    env: Vec<(&'static str, String)>,
    at: At,
}

/// Where a case's file is found.
#[derive(Clone, Copy, PartialEq)]
enum At {
    /// Named by MODAL_CONFIG_PATH.
    ConfigPath,
    /// `.modal.toml` in the case's own HOME.
    Home,
    /// HOME set but empty, the file named by MODAL_CONFIG_PATH.
    EmptyHomeConfigPath,
}

/// What the generator draws tokens and servers from.
struct Pool {
    /// Minted by the reference server: (id, secret).
    tokens: Vec<(String, String)>,
    server: String,
}

fn header(name: &str) -> String {
    if name == "team.dev" {
        format!("[{name}]")
    } else if name.contains(['.', ' ']) {
        format!("[\"{name}\"]")
    } else {
        format!("[{name}]")
    }
}

fn generate(rng: &mut Rng, pool: &Pool) -> Case {
    let server = &pool.server;
    let port = server.rsplit(':').next().unwrap();
    let mut names: Vec<&str> = Vec::new();
    let profiles = if rng.one_in(10) { 0 } else { 1 + rng.under(3) };
    // Mostly one active profile, as modal-setup writes them; sometimes none, or several.
    let chosen = rng.under(profiles.max(1));
    for _ in 0..profiles {
        let name = *rng.pick(&NAMES);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut file = String::new();
    for (i, name) in names.iter().enumerate() {
        let mut lines = vec![header(name)];
        let (id, secret) = rng.pick(&pool.tokens).clone();
        match rng.under(12) {
            0 => {}
            1 => lines.push(format!("token_id = \"{id}\"")),
            2 => lines.push(format!("token_secret = \"{secret}\"")),
            3 => lines.push(format!(
                "token_id = \"{id}\"\ntoken_secret = \"unminted-secret\""
            )),
            _ => lines.push(format!("token_id = \"{id}\"\ntoken_secret = \"{secret}\"")),
        }
        let url = match rng.under(16) {
            0..=1 => None,
            12 => Some(format!("{server}/v1")),
            13 => Some(format!("{server}?a=1")),
            14 => Some(format!("http://u:p@127.0.0.1:{port}")),
            15 => Some(format!("http://[::ffff:127.0.0.1]:{port}")),
            4 => Some(format!("{server}/")),
            5 => Some(format!("{server},")),
            6 => Some(format!("{server}#x")),
            7 => Some(format!("{server},{server}")),
            8 => Some(format!("HTTP://127.0.0.1:{port}")),
            9 => Some(format!("http://localhost:{port}")),
            _ => Some(server.clone()),
        };
        if let Some(url) = url {
            lines.push(format!("server_url = \"{url}\""));
        }
        if rng.one_in(4) {
            lines.push("environment = \"dev\"".into());
        }
        match rng.under(10) {
            0..=6 if i == chosen => lines.push("active = true".into()),
            0 => lines.push("active = true".into()),
            1 => lines.push("active = false".into()),
            _ => {}
        }
        if rng.one_in(10) {
            for key in [
                "oauth_refresh_token",
                "oauth_client_id",
                "oauth_client_secret",
            ] {
                if !rng.one_in(4) {
                    lines.push(format!("{key} = \"made-up\""));
                }
            }
        }
        match rng.under(30) {
            0 => lines.push("extra = { a = 1, }".into()),
            1 => lines.push("note = \"\\e\"".into()),
            2 => lines.push("when = 07:30".into()),
            3 => lines.push("active = true\nactive = true".into()),
            4 => lines.push("active = \"true\"".into()),
            _ => {}
        }
        file.push_str(&lines.join("\n"));
        file.push_str("\n\n");
    }
    if rng.one_in(10) {
        file = file.replace('\n', "\r\n");
    }
    if rng.one_in(15) {
        file.insert(0, '\u{feff}');
    }

    let mut env = Vec::new();
    if rng.one_in(4) {
        let profile = match rng.under(6) {
            0 => "missing".to_owned(),
            1 => String::new(),
            2 => "wss".to_owned(),
            _ if !names.is_empty() => rng.pick(&names).to_string(),
            _ => rng.pick(&NAMES).to_string(),
        };
        env.push(("MODAL_PROFILE", profile));
    }
    if rng.one_in(5) {
        let (id, secret) = rng.pick(&pool.tokens).clone();
        match rng.under(4) {
            0 => env.push(("MODAL_TOKEN_ID", id)),
            1 => env.push(("MODAL_TOKEN_SECRET", secret)),
            2 => {
                env.push(("MODAL_TOKEN_ID", String::new()));
                env.push(("MODAL_TOKEN_SECRET", String::new()));
            }
            _ => {
                env.push(("MODAL_TOKEN_ID", id));
                env.push(("MODAL_TOKEN_SECRET", secret));
            }
        }
    }
    if rng.one_in(6) {
        env.push(("MODAL_SERVER_URL", server.clone()));
    }
    if rng.one_in(8) {
        env.push(("MODAL_ENVIRONMENT", "envdev".into()));
    }
    if rng.one_in(20) {
        env.push(("MODAL_OAUTH_CLIENT_ID", "made-up".into()));
    }
    let at = match rng.under(20) {
        0..=1 => At::Home,
        2 => At::EmptyHomeConfigPath,
        _ => At::ConfigPath,
    };
    Case { file, env, at }
}

/// Where the test writes each case's file, and the HOME of every run.
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    /// Where case `n`'s file is written. (No case leaves HOME empty without MODAL_CONFIG_PATH:
    /// modal-setup would then read the real home's file. go_sdk.rs judges Go's part of that.)
    fn config(&self, n: usize, case: &Case) -> PathBuf {
        match case.at {
            At::Home => self.home(n).join(".modal.toml"),
            _ => self.dir.path().join(format!("case-{n}.toml")),
        }
    }

    fn home(&self, n: usize) -> PathBuf {
        self.dir.path().join(format!("home-{n}"))
    }

    /// The variables of case `n`'s runs: nothing from outside but PATH.
    fn env(&self, n: usize, case: &Case) -> Vec<(String, String)> {
        let home = match case.at {
            At::EmptyHomeConfigPath => String::new(),
            _ => self.home(n).display().to_string(),
        };
        let mut env = vec![
            ("HOME".to_owned(), home),
            ("PATH".to_owned(), std::env::var("PATH").unwrap_or_default()),
            ("NO_COLOR".to_owned(), "1".to_owned()),
        ];
        if matches!(case.at, At::ConfigPath | At::EmptyHomeConfigPath) {
            env.push((
                "MODAL_CONFIG_PATH".to_owned(),
                self.config(n, case).display().to_string(),
            ));
        }
        env.extend(case.env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        env
    }

    fn command(&self, program: &Path, n: usize, case: &Case) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .envs(self.env(n, case))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        command
    }
}

/// Runs a batch judge: the cases' variables as a JSON list on stdin, a JSON list out.
fn batch(mut command: Command, place: &Place, cases: &[(usize, &Case)]) -> Vec<Value> {
    let input: Vec<Value> = cases
        .iter()
        .map(|(n, case)| json!({ "env": place.env(*n, case).into_iter().collect::<std::collections::BTreeMap<_, _>>() }))
        .collect();
    let mut child = command
        .env_clear()
        .env("HOME", place.dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(place.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a judge");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::from(input).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let seen: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        // Its stderr names no secret: the judges print them only on stdout.
        panic!(
            "the judge {command:?} printed no JSON list:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(seen.len(), cases.len());
    seen
}

/// A string field, `None` when null or empty.
fn text(value: &Value) -> Option<&str> {
    value.as_str().filter(|s| !s.is_empty())
}

/// What doctor's `token_secret` of a column should be, given the secret the client uses and
/// modal-setup's (`None` where `token env` gave none).
fn secret_word(theirs: Option<&str>, ours: Option<&str>) -> &'static str {
    match (theirs, ours) {
        (None, _) => "(none)",
        (Some(t), Some(o)) if t == o => "same",
        (Some(_), _) => "other",
    }
}

/// `scheme://user:***@host…` for a URL with a password, as modal-setup shows it.
fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, _)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let at = rest.find('@').unwrap_or_default();
            format!("{scheme}://{user}:***{}", &rest[at..])
        }
        _ => url.to_owned(),
    }
}

/// The port of a URL or `host:port`.
fn port(text: &str) -> &str {
    text.trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap_or_default()
}

/// The disagreements of one doctor column with a resolving judge (Python or JS).
fn against_resolver(
    column: &Value,
    refused: Option<&str>,
    resolved: [Option<&str>; 4],
    credentials: &str,
    ours_secret: Option<&str>,
    dialable: Option<bool>,
) -> Vec<String> {
    let mut out = Vec::new();
    if column.get("token_id").is_none() {
        // The report of a file modal-setup cannot parse: only `usable`, where it can be known.
        let uses = refused.is_none() && credentials != "(none)";
        if column["usable"].is_boolean() && column["usable"] != uses {
            out.push(format!(
                "uses {credentials} (refused: {refused:?}); doctor says usable {}",
                column["usable"]
            ));
        }
        return out;
    }
    if let Some(words) = refused {
        if column["usable"] != false {
            out.push(format!("refused ({words}) but doctor says usable"));
        }
        return out;
    }
    let [token_id, secret, server_url, environment] = resolved;
    // A password in the URL is shown as *** by modal-setup, never as it is.
    let masked = server_url.map(mask_password);
    let server_url = masked.as_deref();
    let said = |key: &str| text(&column[key]);
    for (key, theirs) in [
        ("token_id", token_id),
        ("server_url", server_url),
        ("environment", environment),
    ] {
        if said(key) != theirs {
            out.push(format!(
                "{key}: uses {theirs:?}, doctor says {:?}",
                said(key)
            ));
        }
    }
    let word = secret_word(secret, ours_secret);
    let doctor_word = said("token_secret").unwrap_or("(none)");
    if doctor_word != word && !(ours_secret.is_none() && word == "other") {
        out.push(format!("token_secret: {word}, doctor says {doctor_word}"));
    }
    let doctor_credentials = said("credentials").unwrap_or("(none)");
    if doctor_credentials != credentials {
        out.push(format!(
            "credentials: {credentials}, doctor says {doctor_credentials}"
        ));
    }
    if credentials == "(none)" && column["usable"] != false {
        out.push("uses no credentials but doctor says usable".into());
    }
    // With credentials, only a server it cannot dial makes it unusable: judged where the
    // client's own channel code says (Python), else taken from doctor's reason (JS: no call).
    let problem = column["problem"].as_str().unwrap_or_default();
    let server_blamed = problem.contains("not reach server_url");
    if credentials != "(none)" {
        let usable = column["usable"] == true;
        match dialable {
            Some(dialable) if usable != dialable => out.push(format!(
                "its channel code {} the server; doctor says usable {usable}: {problem}",
                if dialable { "takes" } else { "refuses" }
            )),
            None if !usable && !server_blamed => {
                out.push(format!(
                    "uses {credentials} but doctor says unusable: {problem}"
                ));
            }
            _ => {}
        }
    }
    out
}

/// The disagreements of doctor's JS column with the JS judge's call, where it made one: a
/// column that says usable must reach the server with a minted token, one that says not
/// must not reach it.
fn against_js_call(column: &Value, js: &Value, minted: &[(String, String)]) -> Vec<String> {
    let Some(call) = js["call"].as_str() else {
        return Vec::new();
    };
    let reached = call == "ok" || call.contains("not found");
    let valid = minted.iter().any(|(id, secret)| {
        js["tokenId"].as_str() == Some(id) && js["tokenSecret"].as_str() == Some(secret)
    });
    match column["usable"].as_bool() {
        Some(true) if valid && !reached => {
            vec![format!("doctor says usable; the call said: {call}")]
        }
        Some(false) if reached => vec![format!(
            "doctor says unusable ({}); the call reached the server",
            column["problem"]
        )],
        _ => Vec::new(),
    }
}

/// The disagreements of doctor's Go column with what the Go probe did.
fn against_go(
    column: &Value,
    go: &Value,
    minted: &[(String, String)],
    ours: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    let first = |v: &Value| text(v).map(|t| t.split(',').next().unwrap_or_default().to_owned());
    let (id, secret) = (first(&go["token_id"]), first(&go["token_secret"]));
    let error = go["error"].as_str().unwrap_or_default();
    let target = go["target"].as_str().unwrap_or_default();
    let url = column["server_url"].as_str().unwrap_or_default();
    // The probe answers a target that is not loopback itself: as if reached for a host name
    // (Modal's default server), unknown for a target gRPC would parse otherwise (`host:port#x`).
    let blocked = go.get("blocked").is_some();
    if blocked && target.contains(['#', '?', '/', '@', ',']) {
        return out;
    }
    let reached = (error.is_empty() || error.contains("App 'probe' not found") || blocked)
        && port(target) == port(url);
    // Several active profiles: Go takes one of them at random, so either outcome is right.
    let at_random = column["problem"]
        .as_str()
        .is_some_and(|p| p.contains("at random"));
    if column["usable"] != true {
        if reached && !at_random {
            out.push(format!(
                "doctor says unusable ({}), and it worked",
                column["problem"]
            ));
        }
        return out;
    }
    if error.starts_with("NewClient") {
        out.push(format!("doctor says usable, the SDK failed: {error}"));
        return out;
    }
    if column["token_id"].as_str() != id.as_deref() {
        out.push(format!(
            "token_id: sent {id:?}, doctor says {}",
            column["token_id"]
        ));
    }
    let word = secret_word(secret.as_deref(), ours);
    let doctor_word = column["token_secret"].as_str().unwrap_or("(none)");
    if doctor_word != word && !(ours.is_none() && word == "other") {
        out.push(format!("token_secret: {word}, doctor says {doctor_word}"));
    }
    let valid = minted
        .iter()
        .any(|(i, s)| Some(i) == id.as_ref() && Some(s) == secret.as_ref());
    if valid && !reached {
        out.push(format!(
            "doctor says usable at {url}; the SDK dialled {target}: {error}"
        ));
    }
    if reached && !blocked && column["environment"].as_str() != text(&go["environment"]) {
        out.push(format!(
            "environment: sent {}, doctor says {}",
            go["environment"], column["environment"]
        ));
    }
    out
}

/// The case as a failure shows it: the file (minted secrets named, not shown) and variables.
fn shown(case: &Case, minted: &[(String, String)]) -> String {
    let mut file = case.file.clone();
    let mut env = format!("{:?}", case.env);
    for (n, (_, secret)) in minted.iter().enumerate() {
        file = file.replace(secret.as_str(), &format!("<secret {n}>"));
        env = env.replace(secret.as_str(), &format!("<secret {n}>"));
    }
    let at = match case.at {
        At::ConfigPath => "named by MODAL_CONFIG_PATH",
        At::Home => "~/.modal.toml",
        At::EmptyHomeConfigPath => "named by MODAL_CONFIG_PATH, HOME empty",
    };
    format!("file ({at}):\n{file}\nvariables: {env}")
}

#[test]
fn doctor_agrees_with_the_three_clients_on_generated_cases() {
    let sdk = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/js-sdk");
    let probe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/go-judge/modal-go-probe");
    if !sdk.join("node_modules/modal/package.json").exists() {
        skip(
            "differential",
            Needs::JsSdk,
            "Modal's JS SDK is not in target/js-sdk (run scripts/js-sdk)",
        );
        return;
    }
    if !probe.exists() {
        skip(
            "differential",
            Needs::GoSdk,
            "the Go SDK judge is not unpacked (run scripts/go-judge)",
        );
        return;
    }
    let python = super::modal_bin().with_file_name("python");
    let count = std::env::var("DIFFERENTIAL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    let (mut rng, seed) = Rng::seeded("DIFFERENTIAL_SEED");
    let _ = writeln!(std::io::stderr(), "DIFFERENTIAL_SEED={seed}");

    let server = ReferenceServer::start(Options::default()).unwrap();
    let pool = Pool {
        tokens: (0..3).map(|_| server.mint_token()).collect(),
        server: server.api_url().trim_end_matches('/').to_owned(),
    };
    let place = Place {
        dir: tempfile::tempdir().unwrap(),
    };
    let cases: Vec<Case> = (0..count).map(|_| generate(&mut rng, &pool)).collect();
    for (n, case) in cases.iter().enumerate() {
        std::fs::create_dir(place.home(n)).unwrap();
        std::fs::write(place.config(n, case), &case.file).unwrap();
    }
    let numbered: Vec<(usize, &Case)> = cases.iter().enumerate().collect();

    let mut python_judge = Command::new(&python);
    python_judge.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/differential.py"));
    let pythons = batch(python_judge, &place, &numbered);
    let script = sdk.join("differential.mjs");
    let temp = sdk.join(format!("differential.mjs.{}.tmp", std::process::id()));
    std::fs::write(&temp, include_str!("../js-sdk/differential.mjs")).unwrap();
    std::fs::rename(&temp, &script).unwrap();
    // A fresh copy of the SDK's module a case: in chunks, to bound the node process's memory.
    let jss: Vec<Value> = numbered
        .chunks(100)
        .flat_map(|chunk| {
            let mut node = Command::new("node");
            node.arg(&script);
            batch(node, &place, chunk)
        })
        .collect();

    let ours = Path::new(super::OURS);
    let mut failures = Vec::new();
    // How the cases came out for each client, so that the run shows what it covered.
    let mut tally = std::collections::BTreeMap::<String, usize>::new();
    let mut count_as = |what: String| *tally.entry(what).or_default() += 1;
    for (n, case) in cases.iter().enumerate() {
        let output = place
            .command(ours, n, case)
            .args(["doctor", "--json", "--no-verify"])
            .output()
            .unwrap();
        let doctor: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!(
                "case {n}: doctor printed no JSON\n{}\n{}",
                shown(case, &pool.tokens),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let env_output = place
            .command(ours, n, case)
            .args(["token", "env", "--format", "json"])
            .output()
            .unwrap();
        let token_env: Value = serde_json::from_slice(&env_output.stdout).unwrap_or(Value::Null);
        let ours_secret = text(&token_env["MODAL_TOKEN_SECRET"]);
        let go_output = place.command(&probe, n, case).output().unwrap();
        let go: Value =
            serde_json::from_slice(&go_output.stdout).expect("the Go probe prints JSON");

        let py = &pythons[n];
        let py_credentials = py["credentials"].as_str().unwrap_or("(none)");
        let js = &jss[n];
        let js_token = text(&js["tokenId"]).is_some() && text(&js["tokenSecret"]).is_some();
        let js_credentials = match (js["oauth"] == true, js_token) {
            (true, _) => "oauth",
            (false, true) => "token",
            (false, false) => "(none)",
        };
        let outcome = |refused: bool, credentials: &str| match refused {
            true => "refused".to_owned(),
            false => credentials.to_owned(),
        };
        count_as(format!(
            "python {}",
            outcome(text(&py["refused"]).is_some(), py_credentials)
        ));
        count_as(format!(
            "js {}",
            outcome(text(&js["refused"]).is_some(), js_credentials)
        ));
        if let Some(call) = js["call"].as_str() {
            let reached = call == "ok" || call.contains("not found");
            count_as(format!(
                "js call {}",
                if reached { "reached" } else { "failed" }
            ));
        }
        let go_error = go["error"].as_str().unwrap_or_default();
        count_as(match () {
            _ if go_error.starts_with("NewClient") => "go failed to start".to_owned(),
            _ if go_error.is_empty() || go_error.contains("not found") => "go called".to_owned(),
            _ if go.get("blocked").is_some() => "go not dialled (not loopback)".to_owned(),
            _ => "go call failed".to_owned(),
        });
        if doctor.get("error").is_some() {
            count_as("doctor: unparsable".into());
        }
        let clients = &doctor["clients"];
        let mut problems = Vec::new();
        for (client, found) in [
            (
                "python",
                against_resolver(
                    &clients["python"],
                    text(&py["refused"]),
                    [
                        text(&py["token_id"]),
                        text(&py["token_secret"]),
                        text(&py["server_url"]),
                        text(&py["environment"]),
                    ],
                    py_credentials,
                    ours_secret,
                    py["dialable"].as_bool(),
                ),
            ),
            (
                "js",
                against_resolver(
                    &clients["js"],
                    text(&js["refused"]),
                    [
                        text(&js["tokenId"]),
                        text(&js["tokenSecret"]),
                        text(&js["serverUrl"]),
                        text(&js["environment"]),
                    ],
                    js_credentials,
                    ours_secret,
                    None,
                ),
            ),
            ("js", against_js_call(&clients["js"], js, &pool.tokens)),
            (
                "go",
                against_go(&clients["go"], &go, &pool.tokens, ours_secret),
            ),
        ] {
            problems.extend(found.into_iter().map(|p| format!("{client}: {p}")));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "case {n}:\n  {}\n{}",
                problems.join("\n  "),
                shown(case, &pool.tokens)
            ));
        }
    }
    let covered: Vec<String> = tally
        .iter()
        .map(|(what, n)| format!("{what}: {n}"))
        .collect();
    // Straight to stderr, past the test harness's capture: CI's log shows what was covered.
    let _ = writeln!(std::io::stderr(), "{}", covered.join(", "));
    let summary = format!("differential: {count} cases, seed {seed}");
    assert!(
        failures.is_empty(),
        "{} of {count} cases disagree (first 5 below; DIFFERENTIAL_SEED={seed} replays them)\n\n{}\n{summary}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    let _ = writeln!(std::io::stderr(), "{summary}");
}
