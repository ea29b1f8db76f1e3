//! A differential test against Modal's own client (the `modal` Python package, 1.6.4): both
//! tools on the same files, agreeing on the profile and the token id in effect; round trips;
//! and every deliberate difference asserted, as docs/differences.md lists them.
//!
//! Run it with `tests/interop/run`, which installs `modal` into a virtualenv and sets
//! MODAL_BIN. The differential tests use offline commands of `modal`; judge.rs runs `modal`'s
//! network commands against the reference server.

#[path = "../integration/support/mod.rs"]
mod support;

mod differential;
mod generated;
mod judge;
mod modal_server;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::words;
use toml_edit::{DocumentMut, Item};

const OURS: &str = env!("CARGO_BIN_EXE_modal-setup");

fn modal_bin() -> PathBuf {
    match std::env::var_os("MODAL_BIN") {
        Some(path) => PathBuf::from(path),
        None => panic!(
            "MODAL_BIN is not set: run these tests with tests/interop/run, which installs modal==1.6.4 with pip"
        ),
    }
}

/// One config file that both tools use, in a temp HOME.
struct Shared {
    dir: tempfile::TempDir,
    config: PathBuf,
}

/// What a tool says is in effect.
#[derive(Debug, PartialEq, Eq)]
struct View {
    profile: String,
    token_id: Option<String>,
}

impl Shared {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let config = dir.path().join("modal.toml");
        Self { dir, config }
    }

    /// `program` with these arguments in the shared HOME, with nothing from outside.
    pub fn prepared(&self, program: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path().join("home"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("MODAL_CONFIG_PATH", &self.config)
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path());
        command
    }

    fn command(&self, program: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.prepared(program, args);
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{} {args:?} failed:\n{}",
            program.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn modal(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        stdout(self.command(&modal_bin(), args, env))
    }

    fn ours(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        stdout(self.command(Path::new(OURS), args, env))
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.config, text).unwrap();
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.config).unwrap()
    }

    fn modal_view(&self, env: &[(&str, &str)]) -> View {
        let profile = self.modal(&["profile", "current"], env).trim().to_owned();
        let shown: serde_json::Value =
            serde_json::from_str(&self.modal(&["config", "show"], env)).unwrap();
        View {
            profile,
            token_id: shown["token_id"].as_str().map(str::to_owned),
        }
    }

    fn our_view(&self, env: &[(&str, &str)]) -> View {
        let profile = self.ours(&["profile", "current"], env).trim().to_owned();
        let shown: serde_json::Value =
            serde_json::from_str(&self.ours(&["config", "show", "--json"], env)).unwrap();
        View {
            profile,
            token_id: shown["token_id"].as_str().map(str::to_owned),
        }
    }

    /// Both tools agree on what is in effect; returns it.
    #[track_caller]
    fn agree(&self, env: &[(&str, &str)]) -> View {
        let modal = self.modal_view(env);
        let ours = self.our_view(env);
        assert_eq!(
            modal,
            ours,
            "modal and modal-setup disagree (env {env:?}) on:\n{}",
            self.read()
        );
        ours
    }
}

fn stdout(output: Output) -> String {
    String::from_utf8(output.stdout).unwrap()
}

fn view(profile: &str, token_id: Option<&str>) -> View {
    View {
        profile: profile.to_owned(),
        token_id: token_id.map(str::to_owned),
    }
}

fn modal_set(s: &Shared, profile: &str, id: &str, extra: &[&str]) {
    let secret = id.replacen("ak-", "as-", 1);
    let mut args = vec![
        "token",
        "set",
        "--token-id",
        id,
        "--token-secret",
        &secret,
        "--profile",
        profile,
        "--no-verify",
    ];
    args.extend_from_slice(extra);
    s.modal(&args, &[]);
}

fn our_set(s: &Shared, profile: &str, id: &str, extra: &[&str]) {
    let secret = id.replacen("ak-", "as-", 1);
    let mut args = vec![
        "token",
        "set",
        "--id",
        id,
        "--secret",
        &secret,
        "--profile",
        profile,
        "--no-verify",
    ];
    args.extend_from_slice(extra);
    s.ours(&args, &[]);
}

#[test]
fn files_written_by_modal_setup() {
    let s = Shared::new();
    our_set(&s, "alpha", "ak-alpha", &[]);
    assert_eq!(s.agree(&[]), view("alpha", Some("ak-alpha")));
    our_set(&s, "beta", "ak-beta", &["--no-activate"]);
    assert_eq!(s.agree(&[]), view("alpha", Some("ak-alpha")));
    s.ours(&["profile", "activate", "beta"], &[]);
    assert_eq!(s.agree(&[]), view("beta", Some("ak-beta")));
    s.ours(&["profile", "rename", "beta", "gamma"], &[]);
    assert_eq!(s.agree(&[]), view("gamma", Some("ak-beta")));
    s.ours(&["profile", "remove", "alpha", "--yes"], &[]);
    assert_eq!(s.agree(&[]), view("gamma", Some("ak-beta")));
}

#[test]
fn files_written_by_modal() {
    let s = Shared::new();
    modal_set(&s, "alpha", "ak-alpha", &[]);
    modal_set(&s, "beta", "ak-beta", &["--no-activate"]);
    assert_eq!(s.agree(&[]), view("alpha", Some("ak-alpha")));
    s.modal(&["profile", "activate", "beta"], &[]);
    assert_eq!(s.agree(&[]), view("beta", Some("ak-beta")));
}

#[test]
fn files_edited_alternately_by_both() {
    let s = Shared::new();
    modal_set(&s, "one", "ak-one", &[]);
    our_set(&s, "two", "ak-two", &[]);
    assert_eq!(s.agree(&[]), view("two", Some("ak-two")));
    s.modal(&["profile", "activate", "one"], &[]);
    assert_eq!(s.agree(&[]), view("one", Some("ak-one")));
    our_set(&s, "one", "ak-onenew", &["--no-activate"]);
    assert_eq!(s.agree(&[]), view("one", Some("ak-onenew")));
    modal_set(&s, "two", "ak-twonew", &[]);
    assert_eq!(s.agree(&[]), view("two", Some("ak-twonew")));
    s.ours(&["profile", "activate", "one"], &[]);
    assert_eq!(s.agree(&[]), view("one", Some("ak-onenew")));
    modal_set(&s, "three", "ak-three", &["--no-activate"]);
    assert_eq!(s.agree(&[]), view("one", Some("ak-onenew")));
}

#[test]
fn modal_profile_set_empty_and_unknown() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n\n[b]\ntoken_id = \"ak-b\"\n");
    assert_eq!(s.agree(&[("MODAL_PROFILE", "b")]), view("b", Some("ak-b")));
    assert_eq!(s.agree(&[("MODAL_PROFILE", "")]), view("a", Some("ak-a")));
    assert_eq!(s.agree(&[("MODAL_PROFILE", "ghost")]), view("ghost", None));
}

#[test]
fn token_environment_variables() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n");
    assert_eq!(
        s.agree(&[("MODAL_TOKEN_ID", "ak-env")]),
        view("a", Some("ak-env"))
    );
    assert_eq!(
        s.agree(&[("MODAL_TOKEN_SECRET", "as-env")]),
        view("a", Some("ak-a"))
    );
    assert_eq!(
        s.agree(&[
            ("MODAL_TOKEN_ID", "ak-env"),
            ("MODAL_TOKEN_SECRET", "as-env")
        ]),
        view("a", Some("ak-env"))
    );
}

#[test]
fn no_profile_active_with_and_without_default() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\n\n[default]\ntoken_id = \"ak-default\"\n");
    assert_eq!(s.agree(&[]), view("default", Some("ak-default")));
    s.write("[a]\ntoken_id = \"ak-a\"\n\n[b]\ntoken_id = \"ak-b\"\n");
    assert_eq!(s.agree(&[]), view("default", None));
}

#[test]
fn two_active_profiles_use_the_first() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n\n[b]\ntoken_id = \"ak-b\"\nactive = true\n");
    assert_eq!(s.agree(&[]), view("a", Some("ak-a")));
}

#[test]
fn quoted_profile_names() {
    let s = Shared::new();
    modal_set(&s, "has space", "ak-space", &[]);
    assert!(s.read().contains("[\"has space\"]"));
    assert_eq!(s.agree(&[]), view("has space", Some("ak-space")));
    our_set(&s, "my.ws", "ak-dot", &[]);
    assert!(s.read().contains("[\"my.ws\"]"));
    assert_eq!(s.agree(&[]), view("my.ws", Some("ak-dot")));
    s.modal(&["profile", "activate", "has space"], &[]);
    assert_eq!(s.agree(&[]), view("has space", Some("ak-space")));
    s.ours(&["profile", "activate", "my.ws"], &[]);
    assert_eq!(
        s.agree(&[("MODAL_PROFILE", "has space")]),
        view("has space", Some("ak-space"))
    );
}

#[test]
fn a_profile_with_extra_keys() {
    let s = Shared::new();
    s.write(
        "[ws]\ntoken_id = \"ak-ws\"\ntoken_secret = \"as-ws\"\nenvironment = \"staging\"\nserver_url = \"http://127.0.0.1:9\"\nactive = true\n",
    );
    assert_eq!(s.agree(&[]), view("ws", Some("ak-ws")));
    let modal: serde_json::Value =
        serde_json::from_str(&s.modal(&["config", "show"], &[])).unwrap();
    let ours: serde_json::Value =
        serde_json::from_str(&s.ours(&["config", "show", "--json"], &[])).unwrap();
    for key in ["environment", "server_url"] {
        assert_eq!(modal[key], ours[key], "{key}");
    }
    our_set(&s, "ws", "ak-new", &[]);
    assert_eq!(s.agree(&[]), view("ws", Some("ak-new")));
    let modal: serde_json::Value =
        serde_json::from_str(&s.modal(&["config", "show"], &[])).unwrap();
    assert_eq!(modal["environment"], "staging");
    assert_eq!(modal["server_url"], "http://127.0.0.1:9");
}

/// Every key and value of every table of `before`, except `changed` keys, is in `after`.
fn assert_kept(before: &str, after: &str, changed: &[&str]) {
    let before: DocumentMut = before.parse().unwrap();
    let after: DocumentMut = after.parse().unwrap();
    for (name, table) in before.iter() {
        let table = table.as_table_like().unwrap();
        let other = after[name]
            .as_table_like()
            .unwrap_or_else(|| panic!("profile {name} lost"));
        for (key, value) in table.iter() {
            if changed.contains(&key) {
                continue;
            }
            let theirs = other
                .get(key)
                .and_then(Item::as_value)
                .map(|v| v.to_string());
            assert_eq!(
                theirs.as_deref().map(str::trim),
                value
                    .as_value()
                    .map(|v| v.to_string())
                    .as_deref()
                    .map(str::trim),
                "{name}.{key}"
            );
        }
    }
}

#[test]
fn round_trip_through_modal_setup_keeps_what_modal_wrote() {
    let s = Shared::new();
    modal_set(&s, "alpha", "ak-alpha", &[]);
    modal_set(&s, "has space", "ak-space", &["--no-activate"]);
    s.modal(&["profile", "activate", "has space"], &[]);
    let written_by_modal = s.read();
    our_set(&s, "gamma", "ak-gamma", &["--no-activate"]);
    s.ours(&["profile", "rename", "gamma", "delta"], &[]);
    let after = s.read();
    assert!(
        after.starts_with(&written_by_modal),
        "modal's bytes are a prefix:\n{after}"
    );
    assert_kept(&written_by_modal, &after, &[]);
    s.ours(&["profile", "activate", "alpha"], &[]);
    assert_kept(&written_by_modal, &s.read(), &["active"]);
    // Modal reads it back: every profile, every token.
    for (profile, id) in [
        ("alpha", "ak-alpha"),
        ("has space", "ak-space"),
        ("delta", "ak-gamma"),
    ] {
        assert_eq!(
            s.modal_view(&[("MODAL_PROFILE", profile)]),
            view(profile, Some(id))
        );
    }
    s.modal(&["profile", "activate", "delta"], &[]);
    assert_eq!(s.agree(&[]), view("delta", Some("ak-gamma")));
}

// The differences docs/differences.md lists, each asserted.

#[test]
fn difference_modal_setup_keeps_comments_and_modal_does_not() {
    let s = Shared::new();
    let text = "# my credentials\n[a]  # work\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n";
    s.write(text);
    our_set(&s, "b", "ak-b", &["--no-activate"]);
    assert!(s.read().starts_with(text));
    modal_set(&s, "c", "ak-c", &["--no-activate"]);
    assert!(
        !s.read().contains('#'),
        "modal keeps no comments:\n{}",
        s.read()
    );
}

#[test]
fn difference_modal_setup_writes_0600_and_modal_the_umask() {
    let s = Shared::new();
    our_set(&s, "a", "ak-a", &[]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.config), 0o600);
    std::fs::remove_file(&s.config).unwrap();
    modal_set(&s, "a", "ak-a", &[]);
    assert_eq!(
        mode(&s.config),
        0o644,
        "modal writes with the umask (022 here)"
    );
}

#[test]
fn difference_empty_modal_profile() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n");
    // Modal writes a profile named "" for an empty MODAL_PROFILE...
    s.modal(
        &words("token set --token-id ak-e --token-secret as-e --no-verify"),
        &[("MODAL_PROFILE", "")],
    );
    assert!(s.read().contains("[\"\"]"), "{}", s.read());
    // ...modal-setup treats it as unset and never writes an empty name.
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n");
    s.ours(
        &words("token set --id ak-e --secret as-e --no-verify"),
        &[("MODAL_PROFILE", "")],
    );
    assert!(!s.read().contains("[\"\"]"));
    assert!(s.read().contains("[default]"));
}

#[test]
fn difference_empty_token_variables() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n");
    let env = [("MODAL_TOKEN_ID", "")];
    assert_eq!(
        s.modal_view(&env).token_id.as_deref(),
        Some(""),
        "modal uses the empty value"
    );
    assert_eq!(
        s.our_view(&env).token_id.as_deref(),
        Some("ak-a"),
        "modal-setup treats it as unset"
    );
}

#[test]
fn difference_no_activate_when_none_is_active() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\n");
    modal_set(&s, "m", "ak-m", &["--no-activate"]);
    assert!(
        !s.read().contains("active"),
        "modal activates only into an empty file"
    );
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\n");
    our_set(&s, "o", "ak-o", &["--no-activate"]);
    assert_eq!(
        s.agree(&[]),
        view("o", Some("ak-o")),
        "modal-setup activates when none is active"
    );
}

#[test]
fn same_default_server_url_the_failover_pair() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\nactive = true\n");
    let modal: serde_json::Value =
        serde_json::from_str(&s.modal(&["config", "show"], &[])).unwrap();
    let ours: serde_json::Value =
        serde_json::from_str(&s.ours(&["config", "show", "--json"], &[])).unwrap();
    assert_eq!(
        modal["server_url"],
        "https://api.modal.com,https://api.modal2.com"
    );
    assert_eq!(ours["server_url"], modal["server_url"]);
}

#[test]
fn difference_malformed_file() {
    let s = Shared::new();
    s.write("[a]\ntoken_id = \"ak-a\"\n[b\n");
    let modal = s
        .command_unchecked(&modal_bin(), &["--help"])
        .status
        .success();
    assert!(!modal, "modal fails even --help on a malformed file");
    let ours = s.command_unchecked(Path::new(OURS), &["--help"]);
    assert!(ours.status.success());
    let list = s.command_unchecked(Path::new(OURS), &["profile", "list"]);
    assert_eq!(list.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&list.stderr).contains(":3:"));
}

impl Shared {
    fn command_unchecked(&self, program: &Path, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path().join("home"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("MODAL_CONFIG_PATH", &self.config)
            .output()
            .unwrap()
    }
}

#[test]
fn difference_secret_dash_reads_stdin() {
    let s = Shared::new();
    s.modal(
        &words("token set --token-id ak-m --token-secret - --profile m --no-verify"),
        &[],
    );
    assert!(
        s.read().contains("token_secret = \"-\""),
        "modal stores '-' literally:\n{}",
        s.read()
    );
    let mut child = Command::new(OURS)
        .args([
            "token",
            "set",
            "--id",
            "ak-o",
            "--secret",
            "-",
            "--profile",
            "o",
            "--no-verify",
        ])
        .env_clear()
        .env("HOME", s.dir.path().join("home"))
        .env("MODAL_CONFIG_PATH", &s.config)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"as-fromstdin\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(s.read().contains("token_secret = \"as-fromstdin\""));
}

/// Syntax toml_edit reads and Modal's Python client (toml 0.10.2) refuses: doctor's Python
/// column says so exactly when the real client fails on the file, and calls the plain file
/// usable.
#[test]
fn doctor_s_python_column_knows_which_toml_the_client_refuses() {
    let s = Shared::new();
    let head = "[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n";
    for (extra, refused) in [
        ("", false),
        ("x = { b = 1, }\n", true),
        ("x = { b = 1,\n  c = 2 }\n", true),
        ("x = \"a\\e\"\n", true),
        ("x = \"a\\x41\"\n", true),
        ("x = 07:32\n", true),
        ("x = [1, \"a\"]\n", true),
        ("x = \"a\\\\e\"\n", false),
        ("x = { b = 1 }\n", false),
        ("x = 07:32:00\n", false),
    ] {
        s.write(&format!("{head}{extra}"));
        let modal = s.command_unchecked(&modal_bin(), &["profile", "current"]);
        assert_eq!(
            !modal.status.success(),
            refused,
            "{extra:?}: modal said {}",
            String::from_utf8_lossy(&modal.stderr)
        );
        let doctor = s.command_unchecked(Path::new(OURS), &["doctor", "--json", "--no-verify"]);
        let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
        let python = &report["clients"]["python"];
        assert_eq!(python["usable"], !refused, "{extra:?}: {python}");
        if refused {
            let problem = python["problem"].as_str().unwrap_or_default();
            assert!(
                problem.contains("refuse the whole file"),
                "{extra:?}: {problem}"
            );
        }
    }
}
