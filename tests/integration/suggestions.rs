//! The commands that messages suggest work when pasted into a shell: every name and path in
//! them is one shell word, whatever it holds.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::{BIN, TestEnv};

/// A name that a shell would run a command for if it were not quoted.
const HOSTILE: &str = "my $(touch pwned) 'x'";

/// The first `` `command …` `` of `text` that starts with `start`.
#[track_caller]
fn suggested<'a>(text: &'a str, start: &str) -> &'a str {
    let at = text
        .find(&format!("`{start}"))
        .unwrap_or_else(|| panic!("no `{start}…` in:\n{text}"));
    let rest = &text[at + 1..];
    &rest[..rest.find('`').expect("a closing backtick")]
}

/// Runs `command` with `sh -c` in `dir`, modal-setup first on PATH; it must succeed and
/// create nothing called `pwned`.
#[track_caller]
fn paste(t: &TestEnv, command: &str, dir: &Path) {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The environment a command of `t` gets, and nothing else.
    let cmd = t.cmd(&[]).command;
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .env_clear()
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .env("PATH", path)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
    assert!(
        !dir.join("pwned").exists(),
        "{command} ran what the name holds"
    );
}

#[test]
fn the_permissions_fix_works_for_a_path_with_spaces_and_quotes() {
    let mut t = TestEnv::new();
    let dir = t.dir().join(HOSTILE);
    std::fs::create_dir(&dir).unwrap();
    let config = dir.join("modal.toml");
    std::fs::write(
        &config,
        "[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    t.set_env("MODAL_CONFIG_PATH", config.to_str().unwrap());
    let run = t.run(&["profile", "list"]);
    paste(&t, suggested(&run.stderr, "chmod 600"), t.dir());
    assert_eq!(crate::support::mode(&config), 0o600);
    let doctor = t.run(&["doctor", "--no-verify"]);
    assert!(!doctor.stdout.contains("chmod"), "{}", doctor.stdout);
}

#[test]
fn profile_activate_suggestions_name_the_profile_as_one_shell_word() {
    let t = TestEnv::new();
    let text = format!(
        "[\"{}\"]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\n\n[other]\nserver_url = \"http://127.0.0.1:1\"\n",
        HOSTILE.replace('"', "\\\"")
    );
    for args in [&["doctor", "--no-verify"][..], &["profile", "list"]] {
        t.write(&text);
        let run = t.run(args);
        let all = format!("{}{}", run.stdout, run.stderr);
        paste(&t, suggested(&all, "modal-setup profile activate"), t.dir());
        let current = t.run(&["profile", "current"]);
        assert_eq!(current.stdout.trim_end(), HOSTILE, "{args:?}");
    }
}
