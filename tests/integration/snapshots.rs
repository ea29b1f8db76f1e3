//! What a user sees, whole: for the main messages (errors with their hints, success lines,
//! listings, `--help` of every command) the exit code, stdout and stderr are compared in full
//! with tests/integration/snapshots/NAME.txt by snapbox (as cargo and clap test theirs), with
//! paths, ports, flow ids and pairing codes redacted to placeholders. `SNAPSHOTS=overwrite
//! cargo test --test integration snapshots` rewrites the files; review the diff before
//! committing it. An expected file may elide what does not matter with `[..]` (part of a line)
//! or `...` (whole lines).

use std::path::Path;

use modal_setup::Exit;
use snapbox::{Assert, Data, Redactions};

use crate::support::{Run, TestEnv, TestServer};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/snapshots");

const TWO_PROFILES: &str = "# my profiles\n[personal]\ntoken_id = \"ak-personal\"\n\
    token_secret = \"as-personal\"\nactive = true\n\n[work]\ntoken_id = \"ak-work\"\n\
    token_secret = \"as-work\"\n";

/// What changes from run to run: the test's directory, ports, flow ids, pairing codes and the
/// version.
fn redactions(t: &TestEnv) -> Redactions {
    let regex = |pattern: &str| snapbox::RedactedValue::from(regex::Regex::new(pattern).unwrap());
    let mut redactions = Redactions::new();
    redactions.insert("[DIR]", t.dir().to_path_buf()).unwrap();
    redactions
        .insert("[VERSION]", env!("CARGO_PKG_VERSION"))
        .unwrap();
    redactions
        .insert("[PORT]", regex(r"127\.0\.0\.1:(?<redacted>[0-9]+)"))
        .unwrap();
    redactions
        .insert("[FLOW]", regex(r"tf-(?<redacted>[A-Za-z0-9]+)"))
        .unwrap();
    // Pairing codes: four capitals, a hyphen, four capitals.
    redactions
        .insert("[CODE]", regex(r"(?-u:\b)[A-Z]{4}-[A-Z]{4}(?-u:\b)"))
        .unwrap();
    redactions
}

/// Compares the whole of a run with its snapshot (or rewrites it, with SNAPSHOTS=overwrite).
#[track_caller]
fn snapshot(name: &str, t: &TestEnv, run: &Run) {
    let exit = match run.code {
        Some(code) => [
            Exit::Ok,
            Exit::Failure,
            Exit::Usage,
            Exit::Rejected,
            Exit::TimedOut,
            Exit::Interrupted,
        ]
        .into_iter()
        .find(|e| *e as i32 == code)
        .map_or(format!("{code}"), |e| format!("{code} ({e:?})")),
        None => "killed by a signal".into(),
    };
    let mut actual = format!(
        "exit: {exit}\n--- stdout\n{}--- stderr\n{}",
        run.stdout, run.stderr
    );
    if cfg!(windows) {
        // Windows' words for the same socket error; its paths are normalized by snapbox.
        actual = actual.replace(
            "Connection refused. (os error 10061)",
            "Connection refused (os error 111)",
        );
    }
    let redactions = redactions(t);
    // Redacted before the comparison too, so that a new snapshot is written with placeholders.
    let actual = redactions.redact(&actual);
    Assert::new()
        .action_env("SNAPSHOTS")
        .redact_with(redactions)
        .eq(
            actual,
            Data::read_from(&Path::new(DIR).join(format!("{name}.txt")), None),
        );
}

fn with_profiles() -> TestEnv {
    let t = TestEnv::new();
    t.write(TWO_PROFILES);
    crate::support::make_private(&t.config);
    t
}

#[test]
fn token_set_messages() {
    let server = TestServer::start();
    let mut t = with_profiles();
    t.set_env("MODAL_SERVER_URL", server.url());
    let (id, secret) = server.mint_token();
    snapshot(
        "token_set_verified_new_profile",
        &t,
        &t.token_set(&id, &secret).profile("ci").run(),
    );
    snapshot(
        "token_set_no_verify_no_activate",
        &t,
        &t.token_set("ak-offline1", "as-offline1")
            .profile("offline")
            .no_verify()
            .no_activate()
            .run(),
    );
    snapshot(
        "token_set_rejected",
        &t,
        &t.token_set("ak-unknown1", "as-unknown1").profile("x").run(),
    );
    snapshot(
        "token_set_malformed_id",
        &t,
        &t.token_set("key-1", "as-x").no_verify().run(),
    );
    snapshot(
        "token_set_swapped_id_and_secret",
        &t,
        &t.token_set("as-x", "ak-x").no_verify().run(),
    );
    snapshot(
        "token_set_missing_secret",
        &t,
        &t.run(&["token", "set", "--id", "ak-x", "--no-verify"]),
    );
    snapshot(
        "token_set_bad_profile_name",
        &t,
        &t.token_set("ak-x", "as-x")
            .profile("bad name")
            .no_verify()
            .run(),
    );
    snapshot(
        "token_set_unreachable",
        &t,
        &t.token_set("ak-x", "as-x")
            .profile("x")
            .cmd()
            .env("MODAL_SERVER_URL", &crate::support::closed_port_url())
            .run(),
    );
    snapshot(
        "token_set_server_url_not_a_url",
        &t,
        &t.token_set("ak-x", "as-x")
            .profile("x")
            .cmd()
            .env("MODAL_SERVER_URL", "notaurl")
            .run(),
    );
}

#[test]
fn token_info_messages() {
    let server = TestServer::start();
    let mut t = with_profiles();
    t.set_env("MODAL_SERVER_URL", server.url());
    snapshot(
        "token_info_offline",
        &t,
        &t.run(&["token", "info", "--no-verify"]),
    );
    snapshot("token_info_rejected", &t, &t.run(&["token", "info"]));
    let empty = TestEnv::new();
    snapshot(
        "token_info_without_a_token",
        &empty,
        &empty.run(&["token", "info"]),
    );
}

#[test]
fn profile_messages() {
    let t = with_profiles();
    snapshot("profile_list", &t, &t.run(&["profile", "list"]));
    snapshot("profile_current", &t, &t.run(&["profile", "current"]));
    snapshot(
        "profile_activate",
        &t,
        &t.run(&["profile", "activate", "work"]),
    );
    snapshot(
        "profile_activate_unknown",
        &t,
        &t.run(&["profile", "activate", "nope"]),
    );
    snapshot(
        "profile_rename",
        &t,
        &t.run(&["profile", "rename", "work", "job"]),
    );
    snapshot(
        "profile_remove_without_a_terminal",
        &t,
        &t.run(&["profile", "remove", "job"]),
    );
    snapshot(
        "profile_remove_yes",
        &t,
        &t.run(&["profile", "remove", "job", "--yes"]),
    );
    snapshot("config_path", &t, &t.run(&["config", "path"]));
    snapshot("config_show", &t, &t.run(&["config", "show"]));
}

#[test]
fn a_malformed_file_is_named_with_line_and_column() {
    let t = TestEnv::new();
    t.write("[personal]\ntoken_id = \"ak-x\nactive = true\n");
    snapshot("malformed_file", &t, &t.run(&["profile", "list"]));
}

#[test]
fn setup_timing_out() {
    let server = TestServer::start();
    let t = TestEnv::new();
    let run = t
        .cmd(&["setup", "--no-browser", "--timeout", "1"])
        .env("MODAL_SERVER_URL", server.url())
        .run();
    snapshot("setup_timed_out", &t, &run);
}

#[test]
fn help_of_every_command() {
    let t = TestEnv::new();
    // Every command of the CLI, walked from its definition, so a new one cannot be missed.
    fn walk(command: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = path.clone();
            path.push(sub.get_name().to_owned());
            out.push(path.iter().cloned().chain(["--help".to_owned()]).collect());
            walk(sub, path, out);
        }
    }
    let mut commands = vec![vec!["--help".to_owned()], vec!["--version".to_owned()]];
    walk(
        &<modal_setup::cli::Cli as clap::CommandFactory>::command(),
        Vec::new(),
        &mut commands,
    );
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let args = args.as_slice();
        let name = format!("help_{}", args.join("_").replace("--", ""));
        snapshot(&name, &t, &t.run(args));
    }
    snapshot(
        "usage_error_unknown_flag",
        &t,
        &t.run(&["token", "set", "--bogus"]),
    );
}
