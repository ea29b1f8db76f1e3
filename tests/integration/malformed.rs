//! Files modal-setup refuses: an error with path, line, column and a fix; exit 1; the file is
//! never rewritten; and the commands that do not need the file still work.

use modal_setup::Exit;

use crate::support::TestEnv;
use crate::support::words;

/// (what, bytes, line, column)
const CASES: &[(&str, &[u8], usize, usize)] = &[
    ("unclosed header", b"[a]\ntoken_id = \"ak-1\"\n[b\n", 3, 3),
    ("key without value", b"[a]\ntoken_id\n", 2, 9),
    ("header not on its own line", b"[a] x = 1\n", 1, 5),
    ("unterminated string", b"[a]\ntoken_id = \"ak-1\n", 2, 17),
    ("duplicate table", b"[a]\n[b]\n[a]\n", 3, 2),
    ("duplicate key", b"[a]\nx = 1\nx = 2\n", 3, 1),
    ("top-level scalar", b"token_id = \"ak-1\"\n[a]\n", 1, 1),
    ("array of tables", b"[[a]]\nx = 1\n", 1, 3),
    ("active is a string", b"[a]\nactive = \"true\"\n", 2, 10),
    ("active is a number", b"[a]\nactive = 1\n", 2, 10),
    ("token_id is a number", b"[a]\ntoken_id = 12\n", 2, 12),
    ("invalid UTF-8", b"[a]\n# caf\xe9\n", 2, 6),
    ("NUL byte", b"[a]\nx = \"a\x00b\"\n", 2, 7),
    ("BOM then garbage", b"\xef\xbb\xbf[a\n", 1, 3),
];

#[test]
fn every_command_that_reads_the_file_refuses_it_and_leaves_it_alone() {
    let t = TestEnv::new();
    let path = t.config.display().to_string();
    for (what, bytes, line, column) in CASES {
        std::fs::write(&t.config, bytes).unwrap();
        for args in [
            &["profile", "list"][..],
            &["profile", "current"],
            &["profile", "activate", "a"],
            &["profile", "remove", "a", "--yes"],
            &["profile", "rename", "a", "b"],
            &["config", "show"],
            &words("token set --id ak-x --secret as-x --no-verify"),
        ] {
            let run = t.run(args);
            assert_eq!(
                run.code,
                Some(Exit::Failure as i32),
                "{what}: {args:?}\n{run:#?}"
            );
            let location = format!("error: {path}:{line}:{column}: ");
            assert!(
                run.stderr.contains(&location),
                "{what}: {args:?}: wanted {location:?} in\n{}",
                run.stderr
            );
            assert!(
                run.stderr.contains("hint:"),
                "{what}: no hint\n{}",
                run.stderr
            );
            assert_eq!(
                &std::fs::read(&t.config).unwrap(),
                bytes,
                "{what}: {args:?} changed the file"
            );
        }
    }
}

#[test]
fn help_version_completions_and_path_work_whatever_the_file_holds() {
    let t = TestEnv::new();
    t.write("this is [not toml\n");
    t.run(&["--help"]).success();
    t.run(&["--version"])
        .success()
        .stdout_is(&format!("modal-setup {}\n", env!("CARGO_PKG_VERSION")));
    t.run(&["completions", "bash"]).success();
    t.run(&["config", "path"])
        .success()
        .stdout_is(&format!("{}\n", t.config.display()));
    t.run(&["profile", "--help"]).success();
}

#[test]
fn a_crlf_file_keeps_its_line_endings_and_loses_its_byte_order_mark() {
    let t = TestEnv::new();
    let body = "# windows\r\n[a]\r\ntoken_id = \"ak-a\"\r\nactive = true\r\n";
    t.write(&format!("\u{feff}{body}"));
    // Reading says what the mark does to Modal's other clients, and changes nothing.
    t.run(&["profile", "current"]).success().stderr_has(
        "warning: Modal's Python client and the Go SDK would refuse the whole file: it begins with a UTF-8 byte-order mark; any write by modal-setup removes the mark, e.g. `modal-setup profile activate a`",
    );
    assert!(t.read().starts_with('\u{feff}'));
    t.token_set("ak-b", "as-b")
        .profile("b")
        .no_verify()
        .no_activate()
        .run()
        .success();
    assert_eq!(
        t.read(),
        format!("{body}\r\n[b]\r\ntoken_id = \"ak-b\"\r\ntoken_secret = \"as-b\"\r\n")
    );
}

#[test]
fn a_file_without_a_final_newline_keeps_none() {
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-a\"\nactive = true");
    t.token_set("ak-b", "as-b")
        .profile("a")
        .no_verify()
        .run()
        .success();
    assert_eq!(
        t.read(),
        "[a]\ntoken_id = \"ak-b\"\nactive = true\ntoken_secret = \"as-b\""
    );
}

#[cfg(unix)]
/// `--help` and `--version` do no config work at all: pointed at a FIFO that nobody writes,
/// any read of the config would block.
#[test]
fn help_and_version_never_touch_the_config_file() {
    let mut t = TestEnv::new();
    let fifo = t.dir().join("config.fifo");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    t.set_env("MODAL_CONFIG_PATH", fifo.to_str().unwrap());
    for args in [
        &["--help"][..],
        &["--version"],
        &["-V"],
        &["token", "set", "--help"],
        &["completions", "zsh"],
        &["config", "path"],
    ] {
        t.cmd(args)
            .spawn()
            .finish(std::time::Duration::from_secs(10))
            .success();
    }
}
