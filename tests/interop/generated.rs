//! modal-setup against a server built from Modal's own generated service code
//! (tests/interop/modal_server.py): every message modal-setup sends is decoded, and every answer
//! encoded, by `modal_proto`. Then the same commands from both CLIs against that server, and
//! the headers each sends, compared with the table in docs/protocol.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use super::judge::Background;
use super::modal_server::{Call, ModalServer};
use super::{OURS, Shared};
use crate::support::assert_no_secret;
use crate::support::words;

impl Shared {
    fn ours_against(&self, server: &ModalServer, args: &[&str]) -> Command {
        let mut command = self.prepared(Path::new(OURS), args);
        command.env("MODAL_SERVER_URL", &server.api_url);
        command
    }

    /// modal-setup against `server`: exit code and all it printed.
    fn run_ours(&self, server: &ModalServer, args: &[&str]) -> (i32, String, String) {
        let output = self.ours_against(server, args).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_no_secret(&stdout);
        assert_no_secret(&stderr);
        (output.status.code().unwrap_or(-1), stdout, stderr)
    }

    /// A login by either CLI, approved as a browser would (after checking the loopback).
    fn login(&self, server: &ModalServer, command: Command) -> String {
        let running = Background::start(command);
        let url = running.login_url(&server.control);
        server.approve(&url);
        let (ok, out) = running.finish();
        assert!(ok, "{out}");
        out
    }
}

fn rpcs(calls: &[Call]) -> Vec<&str> {
    calls.iter().map(|c| c.rpc.as_str()).collect()
}

#[test]
fn setup_against_modal_generated_code() {
    let server = ModalServer::start();
    let s = Shared::new();
    let running = Background::start(
        s.ours_against(&server, &["setup", "--no-browser", "--expires-in", "7d"]),
    );
    let url = running.login_url(&server.control);
    let flow = server.flow(&url);
    assert_eq!(flow["utm_source"], "modal-setup");
    assert_eq!(flow["next_url"], "/home");
    assert_eq!(flow["expires_in_seconds"], 604_800);
    server.approve(&url);
    let (ok, out) = running.finish();
    assert!(ok, "{out}");
    assert!(out.contains("Token verified successfully!"), "{out}");
    assert!(
        s.read().starts_with("[interop-ws]\ntoken_id = \"ak-"),
        "{}",
        s.read()
    );
    let calls = server.calls();
    for call in &calls {
        let anonymous = call.rpc.starts_with("TokenFlow");
        assert_eq!(
            call.header("x-modal-token-id").is_none(),
            anonymous,
            "{call:?}"
        );
        assert_eq!(call.header("x-modal-client-version"), Some("1.6.4"));
    }
    let mut seen = rpcs(&calls);
    seen.dedup();
    assert_eq!(
        seen,
        [
            "TokenFlowCreate",
            "TokenFlowWait",
            "ClientHello",
            "WorkspaceNameLookup"
        ]
    );
}

#[test]
fn token_commands_against_modal_generated_code() {
    let server = ModalServer::start();
    let s = Shared::new();
    let (old_id, old_secret) = server.mint();
    let (code, _, err) = s.run_ours(
        &server,
        &["token", "set", "--id", &old_id, "--secret", &old_secret],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("in profile 'interop-ws'; it is the active profile"),
        "{err}"
    );

    let (code, _, err) = s.run_ours(
        &server,
        &words(&format!(
            "token set --id {old_id} --secret as-wrong --profile x"
        )),
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("rejected the token: Invalid token secret"),
        "{err}"
    );

    let (code, out, err) = s.run_ours(&server, &["token", "info"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Workspace: interop-ws (ac-interop)"), "{out}");
    assert!(out.contains("User: interop-user (us-interop)"), "{out}");

    let (new_id, new_secret) = server.mint();
    let (code, _, err) = s.run_ours(
        &server,
        &words(&format!(
            "token set --id {new_id} --secret {new_secret} --profile interop-ws --delete-existing"
        )),
    );
    assert_eq!(code, 0, "{err}");
    assert!(server.revoked(&old_id), "TokenDelete reached Modal's code");
    assert!(!server.revoked(&new_id));

    let out = s.login(
        &server,
        s.ours_against(&server, &["token", "rotate", "--no-browser"]),
    );
    assert!(
        out.contains(&format!("Revoked the previous token {new_id}")),
        "{out}"
    );
    assert!(server.revoked(&new_id));

    let (code, out, err) = s.run_ours(&server, &["profile", "list", "--check", "--json"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["status"], "ok", "{out}");
    assert_eq!(rows[0]["workspace"], "interop-ws");

    let rotated = s.read();
    let rotated_id = rotated.split('"').nth(1).unwrap().to_owned();
    let (code, _, err) = s.run_ours(
        &server,
        &["profile", "remove", "interop-ws", "--yes", "--revoke"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(server.revoked(&rotated_id));
    assert!(!s.read().contains("[interop-ws]"));
}

/// What a CLI ends with: each profile's token id (`None` for a token minted by a login, which
/// differs between the two runs) and the profile in effect.
fn outcome(s: &Shared, minted: &[&str]) -> (BTreeMap<String, Option<String>>, String) {
    let doc: toml_edit::DocumentMut = s.read().parse().unwrap();
    let tokens = doc
        .iter()
        .map(|(name, item)| {
            let id = item["token_id"].as_str().unwrap().to_owned();
            (name.to_owned(), minted.contains(&id.as_str()).then_some(id))
        })
        .collect();
    let active = doc
        .iter()
        .find(|(_, item)| item.get("active").and_then(|a| a.as_bool()) == Some(true))
        .map(|(name, _)| name.to_owned())
        .unwrap_or_default();
    (tokens, active)
}

#[test]
fn both_clis_end_with_the_same_files_after_the_same_commands() {
    let server = ModalServer::start();
    let (a_id, a_secret) = server.mint();
    let (b_id, b_secret) = server.mint();
    let minted = [a_id.as_str(), b_id.as_str()];
    let modal = Shared::new();
    let ours = Shared::new();

    // The same commands, Modal's spelling first.
    for (args_modal, args_ours) in [
        (
            format!("token set --token-id {a_id} --token-secret {a_secret} --profile p"),
            format!("token set --id {a_id} --secret {a_secret} --profile p"),
        ),
        (
            format!(
                "token set --token-id {b_id} --token-secret {b_secret} --profile q --no-activate"
            ),
            format!("token set --id {b_id} --secret {b_secret} --profile q --no-activate"),
        ),
        (
            format!("token set --token-id {b_id} --token-secret {b_secret}"),
            format!("token set --id {b_id} --secret {b_secret}"),
        ),
    ] {
        let (args_modal, args_ours) = (words(&args_modal), words(&args_ours));
        let mut command = modal.modal_command(&args_modal);
        command.env("MODAL_SERVER_URL", &server.api_url);
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let (code, _, err) = ours.run_ours(&server, &args_ours);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            outcome(&modal, &minted),
            outcome(&ours, &minted),
            "after {args_ours:?}"
        );
    }
    // A login into a new profile, by each CLI.
    let mut command = modal.modal_command(&["token", "new", "--profile", "fresh", "--no-activate"]);
    command.env("MODAL_SERVER_URL", &server.api_url);
    modal.login(&server, command);
    ours.login(
        &server,
        ours.ours_against(
            &server,
            &words("token new --profile fresh --no-activate --no-browser"),
        ),
    );
    assert_eq!(outcome(&modal, &minted), outcome(&ours, &minted));
}

/// The calls of one CLI's sequence: a login, `token info`, and `token set --delete-existing`.
fn record(server: &ModalServer, s: &Shared, modal: bool) -> Vec<Call> {
    let (id, secret) = server.mint();
    let env = |mut command: Command| {
        command.env("MODAL_SERVER_URL", &server.api_url);
        command
    };
    let run = |command: Command| {
        let output = env(command).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    if modal {
        s.login(server, env(s.modal_command(&["setup"])));
        run(s.modal_command(&["token", "info"]));
        run(s.modal_command(&words(&format!("token set --token-id {id} --token-secret {secret} --profile interop-ws --delete-existing"))));
    } else {
        s.login(server, s.ours_against(server, &["setup", "--no-browser"]));
        run(s.prepared(Path::new(OURS), &["token", "info"]));
        run(s.prepared(
            Path::new(OURS),
            &words(&format!(
                "token set --id {id} --secret {secret} --profile interop-ws --delete-existing"
            )),
        ));
    }
    server.calls()
}

/// A header's value as the table shows it: the same for every run and machine.
fn shown(name: &str, value: &str, ours: bool) -> String {
    match name {
        "x-modal-token-id" => "`ak-…`".into(),
        "x-modal-token-secret" => "`as-…`".into(),
        "x-idempotency-key" => "a UUID".into(),
        "x-modal-timestamp" => "Unix time".into(),
        "x-modal-node" => "the host name".into(),
        "x-modal-platform" => "OS-release-machine".into(),
        "x-modal-python-version" if !ours => "its Python's".into(),
        "user-agent" => {
            let generic: Vec<String> = value
                .split(' ')
                .map(|word| match word.split_once('/') {
                    Some((name, version))
                        if name == "tonic" || name == "modal-setup" || name == "cpython" =>
                    {
                        let close = if version.ends_with(')') { ")" } else { "" };
                        format!("{name}/…{close}")
                    }
                    _ => word.to_owned(),
                })
                .collect();
            format!("`{}`", generic.join(" "))
        }
        _ => format!("`{value}`"),
    }
}

/// For each header: on which RPCs it was sent and how its value shows.
fn sent(calls: &[Call], ours: bool) -> BTreeMap<String, String> {
    let all: BTreeSet<&str> = calls.iter().map(|c| c.rpc.as_str()).collect();
    let mut on: BTreeMap<String, (BTreeSet<&str>, BTreeSet<String>)> = BTreeMap::new();
    for call in calls {
        for (name, value) in &call.headers {
            let entry = on.entry(name.clone()).or_default();
            entry.0.insert(call.rpc.as_str());
            entry.1.insert(shown(name, value, ours));
        }
    }
    on.into_iter()
        .map(|(name, (rpcs, values))| {
            let values: Vec<String> = values.into_iter().collect();
            let mut cell = values.join(" or ");
            if rpcs != all {
                let missing: Vec<&str> = all.difference(&rpcs).copied().collect();
                cell.push_str(&format!(" (not on {})", missing.join(", ")));
            }
            (name, cell)
        })
        .collect()
}

const START: &str = "<!-- header parity: generated by tests/interop, do not edit -->\n";
const END: &str = "<!-- end of header parity -->\n";

#[test]
fn the_header_table_in_docs_matches_what_modal_generated_code_recorded() {
    let ours = {
        let server = ModalServer::start();
        sent(&record(&server, &Shared::new(), false), true)
    };
    let modal = {
        let server = ModalServer::start();
        sent(&record(&server, &Shared::new(), true), false)
    };
    let names: BTreeSet<&String> = ours.keys().chain(modal.keys()).collect();
    let mut table = String::from("| header | modal-setup | modal 1.6.4 |\n| --- | --- | --- |\n");
    for name in names {
        let cell =
            |map: &BTreeMap<String, String>| map.get(name).cloned().unwrap_or_else(|| "—".into());
        table.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            cell(&ours),
            cell(&modal)
        ));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/protocol.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = doc.split_once(START).expect("the table's start marker");
    let (current, after) = rest.split_once(END).expect("the table's end marker");
    if std::env::var_os("UPDATE_PROTOCOL_DOC").is_some() {
        std::fs::write(&path, format!("{before}{START}{table}{END}{after}")).unwrap();
        return;
    }
    assert_eq!(
        current, table,
        "docs/protocol.md's header table is out of date: run `UPDATE_PROTOCOL_DOC=1 tests/interop/run header`"
    );
}
