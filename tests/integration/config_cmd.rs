//! `config show`, `config path` and `config set-environment`: values in effect, their origins,
//! the path precedence, and the one value `config` writes.

use modal_setup::Exit;
use serde_json::{Value, json};

use crate::support::TestEnv;

const FILE: &str = "[ws]\ntoken_id = \"ak-file\"\ntoken_secret = \"as-file\"\nenvironment = \"dev\"\nactive = true\n";

#[test]
fn path_follows_flag_then_env_then_home() {
    let mut t = TestEnv::new();
    let flag = t.dir().join("flag.toml");
    t.run(&["config", "path"])
        .success()
        .stdout_is(&format!("{}\n", t.config.display()));
    t.run(&["config", "path", "--config", flag.to_str().unwrap()])
        .success()
        .stdout_is(&format!("{}\n", flag.display()));
    t.set_env("MODAL_CONFIG_PATH", "");
    t.run(&["config", "path"])
        .success()
        .stdout_is(&format!("{}\n", t.home.join(".modal.toml").display()));
    t.remove_env("MODAL_CONFIG_PATH");
    t.run(&["config", "path"])
        .success()
        .stdout_is(&format!("{}\n", t.home.join(".modal.toml").display()));
}

#[test]
fn show_redacts_the_secret_and_resolves_each_key_on_its_own() {
    let t = TestEnv::new();
    t.write(FILE);
    let run = t
        .cmd(&["config", "show", "--json"])
        .env("MODAL_TOKEN_ID", "ak-env")
        .env("MODAL_SERVER_URL", "http://127.0.0.1:1")
        .env("MODAL_ENVIRONMENT", "")
        .run();
    run.success();
    let mut shown: Value = serde_json::from_str(&run.stdout).unwrap();
    let origins = shown.as_object_mut().unwrap().remove("origins").unwrap();
    assert_eq!(origins["token_id"], "MODAL_TOKEN_ID environment variable");
    assert_eq!(
        shown,
        json!({
            "profile": "ws",
            "config_path": t.config.display().to_string(),
            "server_url": "http://127.0.0.1:1",
            "token_id": "ak-env",
            "token_secret": "***",
            "environment": "dev",
            "oauth_refresh_token": null,
            "oauth_client_id": null,
            "oauth_client_secret": null,
            "oauth_jwt_key": null,
        })
    );
}

#[test]
fn show_origin_says_where_each_value_came_from() {
    let t = TestEnv::new();
    t.write(FILE);
    let run = t
        .cmd(&["config", "show", "--json", "--origin"])
        .env("MODAL_TOKEN_SECRET", "as-env")
        .run();
    run.success();
    let shown: Value = serde_json::from_str(&run.stdout).unwrap();
    // One shape whatever the flags: --origin changes only the text.
    let plain = t
        .cmd(&["config", "show", "--json"])
        .env("MODAL_TOKEN_SECRET", "as-env")
        .run();
    assert_eq!(shown, serde_json::from_str::<Value>(&plain.stdout).unwrap());
    let path = t.config.display().to_string();
    assert_eq!(
        shown["origins"],
        json!({
            "profile": format!("active = true in {path}"),
            "config_path": "MODAL_CONFIG_PATH environment variable",
            "server_url": "default",
            "token_id": format!("profile 'ws' in {path}"),
            "token_secret": "MODAL_TOKEN_SECRET environment variable",
            "environment": format!("profile 'ws' in {path}"),
            "oauth_refresh_token": null,
            "oauth_client_id": null,
            "oauth_client_secret": null,
            "oauth_jwt_key": null,
        })
    );
    assert_eq!(
        shown["server_url"],
        "https://api.modal.com,https://api.modal2.com"
    );
    assert_eq!(shown["token_secret"], "***");

    let text = t.run(&["config", "show", "--origin", "--profile", "ghost"]);
    text.success()
        .stderr_has("profile 'ghost' (from the --profile flag) is not in the config file");
    // The origins make a column: each starts where the others do.
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(
        lines[0].starts_with("profile       ghost "),
        "{}",
        text.stdout
    );
    assert!(lines[0].ends_with(" (--profile flag)"), "{}", text.stdout);
    let starts: Vec<usize> = lines[..3].iter().map(|l| l.find(" (").unwrap()).collect();
    assert!(starts.iter().all(|s| *s == starts[0]), "{}", text.stdout);
    text.stdout_has("token_id      (not set)");
}

#[test]
fn a_tilde_in_modal_config_path_is_taken_literally_as_modal_takes_it() {
    let mut t = TestEnv::new();
    t.set_env("MODAL_CONFIG_PATH", "~/sub/modal.toml");
    let used = t.dir().join("~").join("sub").join("modal.toml");
    t.token_set("ak-1", "as-1")
        .no_verify()
        .run()
        .success()
        .stderr_has(&format!(
            "warning: the MODAL_CONFIG_PATH environment variable begins with ~, which no Modal client expands (no shell did either); the file used is {}",
            used.display()
        ));
    assert!(
        used.exists(),
        "the file every Modal client reads was not written"
    );
    assert!(!t.home.join("sub/modal.toml").exists(), "~ was expanded");
    t.set_env("MODAL_CONFIG_PATH", "relative.toml");
    t.run(&["config", "path"])
        .success()
        .stdout_is(&format!("{}\n", t.dir().join("relative.toml").display()));
}

#[cfg(unix)]
#[test]
fn a_config_path_that_is_not_utf8_is_used_as_given() {
    use std::os::unix::ffi::OsStrExt;
    let t = TestEnv::new();
    let path = t.dir().join(std::ffi::OsStr::from_bytes(b"caf\xe9.toml"));
    let mut cmd = t.token_set("ak-1", "as-1").no_verify().cmd();
    cmd.command.env("MODAL_CONFIG_PATH", &path);
    cmd.run().success();
    assert!(std::fs::read_to_string(&path).unwrap().contains("ak-1"));
    assert!(
        !t.home.join(".modal.toml").exists(),
        "fell back to ~/.modal.toml"
    );
}

#[cfg(unix)]
#[test]
fn a_failed_write_to_stdout_is_an_error_and_a_closed_stderr_is_no_crash() {
    let t = TestEnv::new();
    t.write("[a]\n");
    crate::support::make_private(&t.config);
    for args in [
        &["profile", "list"][..],
        &["--help"],
        &["--version"],
        &["token", "set", "--help"],
        &["completions", "zsh"],
        &["config", "show", "--json"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut cmd = t.cmd(args);
        cmd.command.stdout(full);
        let status = cmd
            .command
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&status.stderr);
        assert_eq!(status.status.code(), Some(Exit::Failure as i32), "{args:?}");
        assert!(
            stderr.contains("to stdout: No space left"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.matches("error:").count(), 1, "{args:?}: {stderr}");
    }
    // stderr closed: the warnings are lost, the command still works (no panic, exit 0).
    use std::os::unix::process::CommandExt;
    let mut cmd = t.cmd(&["profile", "list"]);
    unsafe {
        cmd.command.pre_exec(|| {
            libc::close(2);
            Ok(())
        });
    }
    let output = cmd
        .command
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(Exit::Ok as i32));
    assert!(String::from_utf8_lossy(&output.stdout).contains("a"));
}

#[test]
fn every_command_ends_quietly_on_a_closed_pipe() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    crate::support::make_private(&t.config);
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["profile", "list"],
        &["config", "show"],
        &["config", "path"],
        &["doctor", "--no-verify"],
        &["--help"],
        &["--version"],
    ] {
        // A pipe whose reading end is closed before the command writes: EPIPE every time.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = t.cmd(args);
        let output = cmd
            .command
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(Exit::Ok as i32),
            "{args:?}: {output:?}"
        );
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_modal_variable_that_is_not_utf8_is_an_error_not_ignored() {
    use std::os::unix::ffi::OsStrExt;
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    for name in [
        "MODAL_PROFILE",
        "MODAL_SERVER_URL",
        "MODAL_TOKEN_ID",
        "MODAL_ENVIRONMENT",
    ] {
        for args in [
            &["profile", "current"][..],
            &["token", "info", "--no-verify"],
        ] {
            let mut cmd = t.cmd(args);
            cmd.command.env(name, std::ffi::OsStr::from_bytes(b"b\xff"));
            cmd.run()
                .code(Exit::Failure)
                .stderr_has(&format!(
                    "error: invalid environment variable: {name} is set to bytes that are not UTF-8 text\nhint: set {name} to UTF-8 text, or unset it"
                ));
        }
    }
    // Completion scripts print whatever the environment holds.
    let mut cmd = t.cmd(&["completions", "bash"]);
    cmd.command
        .env("MODAL_PROFILE", std::ffi::OsStr::from_bytes(b"b\xff"));
    cmd.run().success();
}

/// A profile chosen with `--profile` is asked for on purpose: the commands do not warn that
/// the SDKs (which do not see the flag) read another one; doctor still shows it.
#[test]
fn an_explicit_profile_is_not_followed_by_a_warning_on_every_command() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n[b]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\n");
    crate::support::make_private(&t.config);
    for args in [
        &["--profile", "b", "config", "show"][..],
        &["--profile", "b", "token", "info", "--no-verify"],
        &["--profile", "b", "profile", "current"],
    ] {
        let run = t.run(args);
        run.success();
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
    let doctor = t.run(&["--profile", "b", "doctor", "--no-verify"]);
    assert!(
        doctor
            .stdout
            .contains("would use another token, server or environment (profile 'a')"),
        "{}",
        doctor.stdout
    );
}

/// `config set-environment`: the profile in effect (or `--profile`) gets `environment`, every
/// other byte kept; `--unset` removes it; bad input changes nothing.
#[test]
fn set_environment_edits_only_the_profile_in_effect() {
    let t = TestEnv::new();
    let file = "# mine\n[a]\ntoken_id = \"ak-1\"  # note\ntoken_secret = \"as-1\"\nactive = true\n\n[b]\ntoken_id = \"ak-b\"\n";
    t.write(file);
    t.run(&["config", "set-environment", "dev"])
        .success()
        .stderr_has("Profile 'a' uses environment 'dev' now");
    let with_dev = file.replace("active = true\n", "active = true\nenvironment = \"dev\"\n");
    assert_eq!(t.read(), with_dev);
    let shown = t.run(&["config", "show"]);
    shown.stdout_has("environment   dev");
    t.run(&["--profile", "b", "config", "set-environment", "stage"])
        .success();
    assert!(
        t.read()
            .ends_with("[b]\ntoken_id = \"ak-b\"\nenvironment = \"stage\"\n")
    );
    t.run(&["--profile", "b", "config", "set-environment", "--unset"])
        .success()
        .stderr_has("uses the workspace's default environment now");
    assert_eq!(t.read(), with_dev);
    for args in [
        &["config", "set-environment", ""][..],
        &["config", "set-environment"],
        &["config", "set-environment", "x", "--unset"],
        &["--profile", "nope", "config", "set-environment", "x"],
    ] {
        let run = t.run(args);
        assert_ne!(run.code, Some(0), "{args:?}");
        assert_eq!(t.read(), with_dev, "{args:?} changed the file");
    }
    t.cmd(&["config", "set-environment", "dev"])
        .env("MODAL_ENVIRONMENT", "prod")
        .run()
        .success()
        .stderr_has("MODAL_ENVIRONMENT is set (to 'prod') and overrides the file");
}
