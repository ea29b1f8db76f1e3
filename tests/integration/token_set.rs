//! `token set`: inputs, formats, the profile written, activation, verification.

use crate::support::words;
use modal_setup::Exit;
use reference_server::TokenState;

#[cfg(unix)]
use crate::support::mode;
use crate::support::{TestEnv, TestServer};

const FIXTURE: &str = "\
# Modal credentials (hand-edited)

[work]   # the team workspace
token_id = 'ak-work1'
token_secret = \"as-work1\"
active = true
environment = \"dev\"

[\"my.ws\"]
token_id = \"ak-myws\" # inline comment
token_secret = \"as-myws\"
";

#[test]
fn writes_a_new_profile_after_everything_else_byte_for_byte() {
    let t = TestEnv::new();
    t.write(FIXTURE);
    t.token_set("ak-new1", "as-new1")
        .profile("ci")
        .no_verify()
        .no_activate()
        .run()
        .success()
        .stderr_has("Token written to")
        .stderr_has("in profile 'ci'; it is not active");
    let expected = format!("{FIXTURE}\n[ci]\ntoken_id = \"ak-new1\"\ntoken_secret = \"as-new1\"\n");
    assert_eq!(t.read(), expected);
}

#[test]
fn replaces_a_token_in_place_and_keeps_every_other_byte() {
    let t = TestEnv::new();
    t.write(FIXTURE);
    t.run(&words(
        "token set --token-id ak-new2 --token-secret as-new2 --profile my.ws --no-verify",
    ))
    .success()
    .stderr_has("replaced token ak-myws in profile 'my.ws'");
    let expected = FIXTURE
        .replace("active = true\n", "")
        .replace(
            "\"ak-myws\" # inline comment",
            "\"ak-new2\" # inline comment",
        )
        .replace("\"as-myws\"\n", "\"as-new2\"\nactive = true\n");
    assert_eq!(t.read(), expected);
}

#[test]
fn edits_profiles_with_quoted_names_and_inline_tables() {
    let t = TestEnv::new();
    let text = "[\"has space\"]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\n\n[inl]\nnested = { keep = 1 }\n";
    t.write(text);
    t.token_set("ak-b", "as-b")
        .profile("has space")
        .no_verify()
        .no_activate()
        .run()
        .success();
    // No profile was active, so this one becomes active even with --no-activate.
    let expected = "[\"has space\"]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\nactive = true\n\n[inl]\nnested = { keep = 1 }\n";
    assert_eq!(t.read(), expected);

    let inline = "top = { token_id = \"ak-a\", token_secret = \"as-a\" } # kept\n";
    t.write(inline);
    t.token_set("ak-c", "as-c")
        .profile("top")
        .no_verify()
        .no_activate()
        .run()
        .success();
    assert_eq!(
        t.read(),
        "top = { token_id = \"ak-c\", token_secret = \"as-c\" , active = true } # kept\n"
    );
}

#[test]
fn activation_moves_active_and_no_activate_leaves_flags_alone() {
    let t = TestEnv::new();
    t.write(FIXTURE);
    t.token_set("ak-n", "as-n")
        .profile("other")
        .no_verify()
        .no_activate()
        .run()
        .success();
    let after_no_activate = t.read();
    assert!(
        after_no_activate.contains("active = true\nenvironment"),
        "{after_no_activate}"
    );
    assert_eq!(after_no_activate.matches("active = true").count(), 1);

    t.token_set("ak-n", "as-n")
        .profile("other")
        .no_verify()
        .run()
        .success()
        .stderr_has("it is the active profile");
    let text = t.read();
    assert_eq!(text.matches("active").count(), 1, "{text}");
    assert!(
        text.ends_with("[other]\ntoken_id = \"ak-n\"\ntoken_secret = \"as-n\"\nactive = true\n"),
        "{text}"
    );
    t.run(&["profile", "current"])
        .success()
        .stdout_is("other\n");
}

#[test]
fn secret_can_come_from_stdin() {
    let t = TestEnv::new();
    t.token_set("ak-in", "-")
        .no_verify()
        .cmd()
        .stdin("  as-fromstdin  \nignored second line\n")
        .run()
        .success();
    assert_eq!(
        t.read(),
        "[default]\ntoken_id = \"ak-in\"\ntoken_secret = \"as-fromstdin\"\nactive = true\n"
    );
    t.token_set("ak-in", "-")
        .no_verify()
        .cmd()
        .stdin("")
        .run()
        .code(Exit::Usage)
        .stderr_has("stdin");
}

#[test]
fn missing_inputs_without_a_terminal_exit_2_naming_the_flag() {
    let t = TestEnv::new();
    t.run(&["token", "set", "--secret", "as-x", "--no-verify"])
        .code(Exit::Usage)
        .stderr_has("--id");
    t.run(&["token", "set", "--id", "ak-x", "--no-verify"])
        .code(Exit::Usage)
        .stderr_has("--secret -");
    assert!(!t.config.exists());
}

#[test]
fn malformed_tokens_are_refused_and_nothing_is_written() {
    let t = TestEnv::new();
    t.write(FIXTURE);
    for (id, secret, what) in [
        ("as-swapped", "as-x", "were --id and --secret swapped?"),
        ("ak-", "as-x", "invalid token id"),
        ("ak-x y", "as-x", "invalid token id"),
        ("ak-x", "ak-wrong", "invalid token secret"),
        ("ak-x", "as-bad_char", "invalid token secret"),
        ("ak-x", "", "invalid token secret"),
    ] {
        t.token_set(id, secret)
            .no_verify()
            .run()
            // Given on the command line: a usage error.
            .code(Exit::Usage)
            .stderr_has(what);
    }
    assert_eq!(t.read(), FIXTURE);
}

#[test]
fn new_profile_names_are_checked_and_never_empty() {
    let t = TestEnv::new();
    t.write(FIXTURE);
    for name in [
        "",
        "-lead",
        "a/b",
        "has space",
        "x".repeat(65).as_str(),
        "é",
    ] {
        let flag = format!("--profile={name}");
        t.token_set("ak-x", "as-x")
            .arg(&flag)
            .no_verify()
            .run()
            .code(Exit::Usage)
            .stderr_has("profile name");
        // The same name from the environment is not a usage error.
        if !name.is_empty() {
            t.token_set("ak-x", "as-x")
                .no_verify()
                .cmd()
                .env("MODAL_PROFILE", name)
                .run()
                .code(Exit::Failure)
                .stderr_has("profile name");
        }
    }
    assert_eq!(t.read(), FIXTURE);
    // An empty MODAL_PROFILE means unset: the token goes to `default`, never to [""].
    t.token_set("ak-x", "as-x")
        .no_verify()
        .cmd()
        .env("MODAL_PROFILE", "")
        .run()
        .success();
    assert!(t.read().contains("\n[default]\n"));
    assert!(!t.read().contains("[\"\"]"));
}

#[test]
fn profile_written_follows_flag_then_env_then_workspace_then_default() {
    let mut server = TestServer::start();
    server.expect("ClientHello", 3);
    // Only the run without a chosen profile asks for the workspace, as 1.6.4 does.
    server.expect("WorkspaceNameLookup", 1);
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", server.url());
    let set = |t: &TestEnv, extra: &[&str]| {
        let mut args = vec!["token", "set", "--id", &id, "--secret", secret.as_str()];
        args.extend_from_slice(extra);
        t.run(&args).success();
    };
    set(&t, &[]);
    assert!(t.read().starts_with("[demo-workspace]\n"), "{}", t.read());
    t.set_env("MODAL_PROFILE", "from-env");
    set(&t, &[]);
    set(&t, &["--profile", "from-flag"]);
    t.remove_env("MODAL_PROFILE");
    t.remove_env("MODAL_SERVER_URL");
    set(&t, &["--no-verify"]);
    let names: Vec<String> = t
        .read()
        .lines()
        .filter(|l| l.starts_with('['))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        names,
        ["[demo-workspace]", "[from-env]", "[from-flag]", "[default]"]
    );
}

#[cfg(unix)]
#[test]
fn verification_sends_the_token_and_writes_only_after_client_hello() {
    let mut server = TestServer::start();
    server.expect("ClientHello", 1);
    server.expect("WorkspaceNameLookup", 0);
    let (id, secret) = server.mint_token();
    let t = TestEnv::new();
    t.token_set(&id, secret.as_str())
        .profile("p")
        .cmd()
        .env("MODAL_SERVER_URL", server.url())
        .run()
        .success()
        .stderr_has("Token verified successfully!");
    let recorded = server.requests();
    assert_eq!(recorded[0].rpc, "ClientHello");
    assert_eq!(recorded[0].token_id.as_deref(), Some(id.as_str()));
    // A non-default server is stored with the token, as Modal does.
    let expected = format!(
        "[p]\ntoken_id = \"{id}\"\ntoken_secret = \"{}\"\nserver_url = \"{}\"\nactive = true\n",
        secret.as_str(),
        server.url()
    );
    assert_eq!(t.read(), expected);
    assert_eq!(mode(&t.config), 0o600);
}

#[test]
fn rejected_tokens_exit_3_and_write_nothing() {
    let mut server = TestServer::start();
    server.expect("ClientHello", 3);
    let (id, secret) = server.mint_token();
    let t = TestEnv::new();
    t.write(FIXTURE);
    let run = |id: &str, secret: &str| {
        t.token_set(id, secret)
            .cmd()
            .env("MODAL_SERVER_URL", server.url())
            .run()
    };
    run(&id, "as-wrongsecret")
        .code(Exit::Rejected)
        .stderr_has("rejected the token: Invalid token secret")
        .stderr_has("modal-setup setup");
    server.set_token_state(&id, TokenState::Forbidden);
    run(&id, secret.as_str())
        .code(Exit::Rejected)
        .stderr_has("no permission");
    server.set_token_state(&id, TokenState::Revoked);
    run(&id, secret.as_str())
        .code(Exit::Rejected)
        .stderr_has("Token has been deleted");
    assert_eq!(t.read(), FIXTURE);
}

#[test]
fn unreachable_server_exits_1_with_the_url_and_suggests_no_verify() {
    let url = crate::support::closed_port_url();
    let t = TestEnv::new();
    t.write(FIXTURE);
    let run = t
        .cmd(&["token", "set", "--id", "ak-x", "--secret", "as-x"])
        .env("MODAL_SERVER_URL", &url)
        .run();
    run.code(Exit::Failure)
        .stderr_has(&format!("could not reach {url}"))
        .stderr_has("--no-verify");
    assert_eq!(t.read(), FIXTURE);
}

#[test]
fn says_when_environment_tokens_override_the_file() {
    let t = TestEnv::new();
    t.token_set("ak-x", "as-x")
        .no_verify()
        .cmd()
        .env("MODAL_TOKEN_ID", "ak-env")
        .run()
        .success()
        .stderr_has("MODAL_TOKEN_ID is set in the environment and overrides");
    let run = t
        .cmd(&words("token set --id ak-x --secret as-x --no-verify"))
        .env("MODAL_TOKEN_SECRET", "as-env")
        .run();
    run.success().stderr_has("MODAL_TOKEN_SECRET is set");
    assert!(!run.stderr.contains("MODAL_TOKEN_ID"));
    let quiet = t.token_set("ak-x", "as-x").no_verify().arg("-q").run();
    quiet.success();
    assert_eq!(quiet.stderr, "");
}

#[test]
fn verbose_output_never_shows_the_secret() {
    let mut server = TestServer::start();
    server.expect("ClientHello", 1);
    server.expect("WorkspaceNameLookup", 1);
    let (id, secret) = server.mint_token();
    let t = TestEnv::new();
    let run = t
        .cmd(&[
            "-v",
            "token",
            "set",
            "--id",
            &id,
            "--secret",
            secret.as_str(),
        ])
        .env("MODAL_SERVER_URL", server.url())
        .run();
    run.success().stderr_has("debug:");
    assert!(!run.stderr.contains(secret.as_str()));
}

#[test]
fn the_message_says_what_the_file_says_after_no_activate_on_the_active_profile() {
    let t = TestEnv::new();
    t.write("[ws]\ntoken_id = \"ak-old\"\ntoken_secret = \"as-old\"\nactive = true\n");
    let run = t
        .token_set("ak-new", "as-new")
        .profile("ws")
        .no_verify()
        .no_activate()
        .run();
    run.success()
        .stderr_has("in profile 'ws'; it is the active profile");
    assert!(!run.stderr.contains("not active"), "{}", run.stderr);
    assert!(t.read().contains("active = true"));
}

#[test]
fn server_url_is_written_in_the_one_form_every_modal_client_reads() {
    let t = TestEnv::new();
    let set = |url: &str| {
        t.token_set("ak-1", "as-1")
            .profile("p")
            .no_verify()
            .cmd()
            .env("MODAL_SERVER_URL", url)
            .run()
    };
    for (given, written) in [
        (" HTTP://127.0.0.1:9000/ ", "http://127.0.0.1:9000"),
        ("http://localhost", "http://localhost:80"),
        ("https://modal.example.com", "https://modal.example.com:443"),
        ("http://[::1]:9/", "http://[::1]:9"),
    ] {
        set(given).success();
        assert!(
            t.read().contains(&format!("server_url = \"{written}\"\n")),
            "{given:?}: {}",
            t.read()
        );
    }
    // A failover list given on purpose is written, and the SDKs that cannot use it are named.
    set("https://a.example, https://b.example:8443/")
        .success()
        .stderr_has("warning: profile 'p' now holds a failover list as server_url, which only Modal's Python client can use: the JS and Go SDKs cannot connect with it");
    assert!(
        t.read()
            .contains("server_url = \"https://a.example:443,https://b.example:8443\"\n")
    );
    // An IPv6 literal is written, and the client that cannot dial it is named.
    set("http://[::1]:9").success().stderr_has(
        "warning: profile 'p' now holds server_url 'http://[::1]:9', which Modal's Python client 1.6.4 cannot dial",
    );
    // A fragment or a stray comma is left out, and said (it was dropped in silence).
    for (given, left_out) in [
        ("http://127.0.0.1:9#x", "the fragment '#x'"),
        ("http://127.0.0.1:9,", "a stray comma"),
    ] {
        set(given).success().stderr_has(&format!(
            "note: profile 'p' got server_url without {left_out}, in the form every Modal client reads"
        ));
        assert!(t.read().contains("server_url = \"http://127.0.0.1:9\"\n"));
    }
    // What cannot be put in that form is refused, and the file is byte-identical.
    let before = t.read();
    for bad in [
        "http://127.0.0.1:99999",
        "https://host/v1",
        "http://127.0.0.1:9?a=1",
        "ftp://host",
        "127.0.0.1:9",
    ] {
        set(bad)
            .code(Exit::Failure)
            .stderr_has("error: invalid server URL from the MODAL_SERVER_URL environment variable");
        assert_eq!(t.read(), before, "{bad}");
    }
}

#[test]
fn a_write_leaves_exactly_one_profile_active_the_one_python_used() {
    let t = TestEnv::new();
    // Hand-written: Python falls back to [default], the JS and Go SDKs find nothing.
    let lone_default = "[default]\ntoken_id = \"ak-d\"\ntoken_secret = \"as-d\"\n";
    t.write(lone_default);
    t.token_set("ak-c", "as-c")
        .profile("ci")
        .no_verify()
        .no_activate()
        .run()
        .success()
        .stderr_has("in profile 'ci'; it is not active")
        .stderr_has("note: profile 'default' is active now: no profile was, and Modal's JS and Go SDKs use only an active one");
    assert_eq!(
        t.read(),
        format!(
            "{lone_default}active = true\n\n[ci]\ntoken_id = \"ak-c\"\ntoken_secret = \"as-c\"\n"
        )
    );
    // Into an empty file with --no-activate: the only profile with a token is the active one.
    let t = TestEnv::new();
    t.token_set("ak-c", "as-c")
        .profile("ci")
        .no_verify()
        .no_activate()
        .run()
        .success()
        .stderr_has("in profile 'ci'; it is the active profile");
    assert!(t.read().ends_with("active = true\n"), "{}", t.read());
}

#[cfg(unix)] // sources the output in sh
#[test]
fn token_env_prints_what_a_shell_and_a_dotenv_file_take() {
    let t = TestEnv::new();
    let secret = "as-q'uo\"te $HOME";
    t.write(&format!(
        "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"{}\"\nserver_url = \"http://127.0.0.1:9/\"\nactive = true\n",
        secret.replace('"', "\\\"")
    ));
    let run = t.cmd(&["token", "env", "--format", "sh"]).run_revealing();
    run.success();
    // Nothing but the variables on stdout (warnings about the file go to stderr).
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
    let script = t.dir().join("env.sh");
    std::fs::write(&script, &run.stdout).unwrap();
    let sourced = std::process::Command::new("sh")
        .arg("-c")
        .arg(". \"$1\" && printf '%s|%s|%s' \"$MODAL_TOKEN_ID\" \"$MODAL_TOKEN_SECRET\" \"$MODAL_SERVER_URL\"")
        .arg("sh")
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&sourced.stdout),
        format!("ak-1|{secret}|http://127.0.0.1:9")
    );
    let dotenv = t
        .cmd(&["token", "env", "--format", "dotenv"])
        .run_revealing();
    assert!(
        dotenv
            .stdout
            .starts_with("MODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=\"as-q'uo\\\"te $HOME\"\n"),
        "{}",
        dotenv.stdout
    );
    // No token in effect: an error, and nothing on stdout.
    let none = TestEnv::new();
    let run = none.run(&["token", "env"]);
    run.code(Exit::Failure)
        .stderr_has("error: no token in effect");
    assert!(run.stdout.is_empty());
}

/// `--output FILE`: the variables go to a file readable by its owner alone, replaced whole,
/// and nothing goes to stdout; `--format github` outside Actions is a clear error.
#[test]
fn token_env_output_writes_a_private_file() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    let file = t.dir().join("ci.env");
    std::fs::write(&file, "OLD=1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let path = file.to_str().unwrap();
    let run = t.run(&["token", "env", "--format", "dotenv", "--output", path]);
    run.success()
        .stderr_has("Wrote MODAL_TOKEN_ID, MODAL_TOKEN_SECRET to");
    assert!(run.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "MODAL_TOKEN_ID=ak-1\nMODAL_TOKEN_SECRET=as-1\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    t.run(&["token", "env", "--format", "github"])
        .code(Exit::Usage)
        .stderr_has("GITHUB_ENV is not set");
    t.run(&["token", "env", "--format", "github", "--output", path])
        .code(Exit::Usage);
}

#[test]
fn secret_from_stdin_is_bounded() {
    let t = TestEnv::new();
    let mut cmd = t.cmd(&words("token set --id ak-1 --secret - --no-verify"));
    let mut child = cmd
        .command
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("token set kept reading stdin");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(Exit::Failure as i32), "{stderr}");
    assert!(
        stderr.contains("the first line of stdin is longer than 4096 bytes"),
        "{stderr}"
    );
    assert!(!t.config.exists());
}

#[test]
fn without_a_profile_the_token_is_verified_where_the_active_profile_points() {
    let mut server = TestServer::start();
    server.expect("ClientHello", 1);
    let (corp_id, corp_secret) = server.mint_token();
    let (id, secret) = server.mint_token();
    let t = TestEnv::new();
    t.write(&format!(
        "[corp]\ntoken_id = \"{corp_id}\"\ntoken_secret = \"{corp_secret}\"\nserver_url = \"{}\"\nactive = true\n",
        server.url()
    ));
    // No --profile, no MODAL_SERVER_URL: Modal's client asks the active profile's server.
    t.token_set(&id, &secret)
        .run()
        .success()
        .stderr_has("Token verified successfully!");
    assert!(
        t.read()
            .contains(&format!("[demo-workspace]\ntoken_id = \"{id}\"")),
        "{}",
        t.read()
    );
}

#[test]
fn a_token_never_goes_in_clear_text_to_another_machine_unless_allowed() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    let before = t.read();
    // 192.0.2.1 (TEST-NET-1) is never dialled: the refusal comes first.
    for args in [
        &["token", "set", "--id", "ak-2", "--secret", "as-2"][..],
        &["token", "info"],
        &["setup", "--no-browser", "--timeout", "1"],
    ] {
        let run = t
            .cmd(args)
            .env("MODAL_SERVER_URL", "http://192.0.2.1:8080")
            .run();
        let text = format!("{}{}", run.stdout, run.stderr);
        assert!(
            text.contains("http://192.0.2.1:8080 (from the MODAL_SERVER_URL environment variable) is plain http:// on another machine"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("MODAL_SETUP_ALLOW_HTTP=1"),
            "{args:?}: {text}"
        );
        assert_eq!(t.read(), before, "{args:?}");
    }
    t.cmd(&["profile", "list", "--check"])
        .env("MODAL_SERVER_URL", "http://192.0.2.1:8080")
        .run()
        .stdout_is("  PROFILE  TOKEN ID  STATUS     WORKSPACE  SERVER\n• a        ak-1      not_asked  -          http://192.0.2.1:8080\n");
    // Loopback is never refused: the call is made (and fails to connect: nothing listens).
    // (MODAL_SETUP_ALLOW_HTTP=1 lifting the refusal is not tried: the tests reach no other
    // machine.)
    let run = t
        .cmd(&["token", "info"])
        .env(
            "MODAL_SERVER_URL",
            &crate::support::closed_port_url().replace("127.0.0.1", "localhost"),
        )
        .run();
    assert!(
        !run.stderr.contains("plain http://"),
        "loopback is never refused: {}",
        run.stderr
    );
}

/// ClientHello and WorkspaceNameLookup go out together on one connection (one round trip):
/// with ClientHello held by the server, the lookup has arrived all the same.
#[test]
fn verifying_and_naming_go_out_together() {
    let server = TestServer::start();
    server.set_fault("ClientHello", Some(reference_server::Fault::Hang));
    let (id, secret) = server.mint_token();
    let t = TestEnv::new();
    t.token_set(&id, &secret)
        .cmd()
        .env("MODAL_SERVER_URL", server.url())
        .env("MODAL_SETUP_HTTP_TIMEOUT", "1")
        .run()
        .code(Exit::Failure);
    assert_eq!(server.count("ClientHello"), 1);
    assert_eq!(
        server.count("WorkspaceNameLookup"),
        1,
        "the lookup waited for ClientHello"
    );
    assert!(!t.config.exists());
}

/// Token variables that override what was written: one warning, naming each variable set.
#[test]
fn a_write_under_token_variables_warns_once() {
    let t = TestEnv::new();
    let both = t
        .token_set("ak-new1", "as-new1")
        .no_verify()
        .cmd()
        .env("MODAL_TOKEN_ID", "ak-env")
        .env("MODAL_TOKEN_SECRET", "as-env")
        .run();
    both.success().stderr_has(
        "warning: MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are set in the environment and override the token in the file; unset them to use the file",
    );
    assert_eq!(
        both.stderr.matches("warning:").count(),
        1,
        "{}",
        both.stderr
    );
    let one = t
        .token_set("ak-new2", "as-new2")
        .no_verify()
        .cmd()
        .env("MODAL_TOKEN_SECRET", "as-env")
        .run();
    one.success().stderr_has(
        "warning: MODAL_TOKEN_SECRET is set in the environment and overrides the token in the file; unset it to use the file",
    );
    assert_eq!(one.stderr.matches("warning:").count(), 1, "{}", one.stderr);
}
