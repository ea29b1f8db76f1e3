//! What is never printed: the password inside a URL, wherever the URL comes from and
//! whichever command, format or verbosity shows it.

use crate::support::TestEnv;

const PASSWORD: &str = "hunter2pw";

#[track_caller]
fn assert_masked(what: &str, run: &crate::support::Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(PASSWORD),
            "{what}: the password on {stream}:\n{text}"
        );
    }
}

#[test]
fn a_password_in_the_file_s_server_url_is_never_shown() {
    let t = TestEnv::new();
    t.write(&format!(
        "[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\nserver_url = \"https://bob:{PASSWORD}@modal.example\"\n"
    ));
    for args in [
        &["profile", "list"][..],
        &["profile", "list", "--json"],
        &["profile", "list", "--check"],
        &["profile", "list", "--check", "--json"],
        &["config", "show"],
        &["config", "show", "--json", "--origin"],
        &["token", "info"],
        &["token", "info", "--json"],
        &["-v", "token", "info", "--no-verify"],
        &["doctor"],
        &["doctor", "--json"],
    ] {
        let run = t.run(args);
        assert_masked(&format!("{args:?}"), &run);
        assert!(
            run.stdout.contains("bob:***@") || run.stderr.contains("bob:***@"),
            "{args:?} shows the URL masked:\n{}{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn a_password_in_modal_server_url_is_never_shown() {
    let t = TestEnv::new();
    let url = format!("https://bob:{PASSWORD}@modal.example");
    for args in [
        &["token", "info"][..],
        &["-v", "doctor"],
        &["profile", "list", "--check"],
    ] {
        let run = t.cmd(args).env("MODAL_SERVER_URL", &url).run();
        assert_masked(&format!("{args:?}"), &run);
    }
    let run = t
        .token_set("ak-x", "as-x")
        .cmd()
        .env("MODAL_SERVER_URL", &url)
        .run();
    assert_masked("token set", &run);
    run.stderr_has("bob:***@");
}

/// A malformed proxy variable: named, its password masked, and not called something it is not.
#[test]
fn a_malformed_proxy_variable_is_named_with_its_password_masked() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\nserver_url = \"https://modal.example\"\n");
    let proxy = format!("http://bob:{PASSWORD}@[::1");
    let run = t.cmd(&["token", "info"]).env("HTTPS_PROXY", &proxy).run();
    assert_masked("token info", &run);
    run.stderr_has("HTTPS_PROXY holds 'http://bob:***@[::1', which cannot be read as a URL");
}
