//! `profile list --check`: every profile's token asked about at once, within bounds, and the
//! warning for several profiles with none active.

use modal_setup::Exit;
use reference_server::{Fault, TokenState};
use serde_json::Value;

use crate::support::{TestEnv, TestServer, closed_port_url};

#[test]
fn profile_list_check_reports_every_profile_within_a_bound() {
    let server = TestServer::start();
    let hanging = TestServer::start();
    hanging.set_fault("WorkspaceNameLookup", Some(Fault::Hang));
    let (good_id, good) = server.mint_token();
    let (revoked_id, revoked) = server.mint_token();
    server.set_token_state(&revoked_id, TokenState::Revoked);
    let t = TestEnv::new();
    t.write(&format!(
        "[good]\ntoken_id = \"{good_id}\"\ntoken_secret = \"{}\"\nserver_url = \"{}\"\nactive = true\n\n\
[revoked]\ntoken_id = \"{revoked_id}\"\ntoken_secret = \"{}\"\nserver_url = \"{}\"\n\n\
[empty]\n\n\
[hangs]\ntoken_id = \"ak-h\"\ntoken_secret = \"as-h\"\nserver_url = \"{}\"\n\n\
[down]\ntoken_id = \"ak-d\"\ntoken_secret = \"as-d\"\nserver_url = \"{}\"\n",
        good,
        server.url(),
        revoked,
        server.url(),
        hanging.url(),
        closed_port_url()
    ));
    // The hanging server is given up on at the per-profile bound: its status says so.
    let run = t.run(&["profile", "list", "--check", "--json"]);
    // The listing is whole, and the command fails: profiles with a token cannot be used.
    run.code(Exit::Failure).stderr_has(
        "error: 3 of the 4 profiles with a token cannot be used\nhint: the STATUS column says why",
    );
    let rows: Value = serde_json::from_str(&run.stdout).unwrap();
    let status: Vec<(&str, &str, Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["workspace"].clone(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("good", "ok", Value::from("demo-workspace")),
            ("revoked", "rejected", Value::Null),
            ("empty", "no_token", Value::Null),
            ("hangs", "timed_out", Value::Null),
            ("down", "unreachable", Value::Null),
        ]
    );
    let asked: Vec<Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["asked"].clone())
        .collect();
    assert_eq!(asked[0], server.url());
    assert_eq!(
        asked[2],
        Value::Null,
        "nothing is asked for a profile without a token"
    );
    assert_eq!(asked[3], hanging.url());
    // STATUS holds the JSON's status word; the workspace has a column of its own.
    let table = t.run(&["profile", "list", "--check"]);
    let columns = |line: &str| -> Vec<String> {
        line.trim_start_matches(['•', ' '])
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        columns(lines[0]),
        ["PROFILE", "TOKEN ID", "STATUS", "WORKSPACE", "SERVER"]
    );
    assert_eq!(
        columns(lines[1]),
        [
            "good",
            good_id.as_str(),
            "ok",
            "demo-workspace",
            server.url()
        ]
    );
    assert_eq!(columns(lines[4])[..4], ["hangs", "ak-h", "timed_out", "-"]);
    // Without --check it stays offline.
    let before = server.count("WorkspaceNameLookup");
    t.run(&["profile", "list"]).success();
    assert_eq!(server.count("WorkspaceNameLookup"), before);
}

#[test]
fn warns_about_several_profiles_with_none_active() {
    let t = TestEnv::new();
    t.write("[a]\n[b]\n");
    t.run(&["config", "show"])
        .success()
        .stderr_has("warning: Modal's Python client would stop with \"No Modal profile is active\" (several profiles, none says active = true); run `modal-setup profile activate NAME`");
}

#[cfg(unix)] // sets the limit with `sh -c ulimit`
/// 300 profiles on one server under an open-file limit of 64: one connection carries every
/// lookup, so none is "unreachable" for want of a socket.
#[test]
fn check_reaches_hundreds_of_profiles_under_a_small_open_file_limit() {
    let server = TestServer::start();
    let t = TestEnv::new();
    let mut text = String::new();
    for i in 0..300 {
        let (id, secret) = server.mint_token();
        text.push_str(&format!(
            "[p{i}]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nserver_url = \"{}\"\n",
            server.url()
        ));
    }
    t.write(&text);
    let mut cmd = t.cmd(&[]);
    let mut limited = std::process::Command::new("sh");
    limited
        .args([
            "-c",
            "ulimit -n 64 && exec \"$0\" profile list --check --json",
        ])
        .arg(crate::support::BIN)
        .env_clear()
        .current_dir(t.dir());
    for (name, value) in cmd.command.get_envs() {
        if let Some(value) = value {
            limited.env(name, value);
        }
    }
    cmd.command = limited;
    let run = cmd.run();
    run.success();
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 300);
    let not_ok: Vec<_> = rows.iter().filter(|r| r["status"] != "ok").collect();
    assert!(
        not_ok.is_empty(),
        "{} not ok, e.g. {:?}",
        not_ok.len(),
        not_ok.first()
    );
}
