//! The write path: modes, symlinks, the lock, failures that must leave the file as it was.

use std::fs;
#[cfg(unix)]
use std::os::unix::fs::{PermissionsExt, symlink};
use std::time::Duration;

use modal_setup::Exit;

#[cfg(unix)]
use crate::support::mode;
use crate::support::{TestEnv, temp_files};

const FILE: &str = "# keep me\n[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n";

fn set(t: &TestEnv, profile: &str) -> crate::support::Run {
    t.token_set("ak-new", "as-new")
        .profile(profile)
        .no_verify()
        .no_activate()
        .run()
}

#[cfg(unix)]
#[test]
fn a_new_file_is_0600_in_a_new_0700_directory() {
    let mut t = TestEnv::new();
    let nested = t.dir().join("new/deeper/modal.toml");
    t.set_env("MODAL_CONFIG_PATH", nested.to_str().unwrap());
    set(&t, "p").success();
    assert_eq!(mode(&nested), 0o600);
    assert_eq!(mode(nested.parent().unwrap()), 0o700);
    assert_eq!(mode(&t.dir().join("new")), 0o700);
    assert!(temp_files(nested.parent().unwrap()).is_empty());
}

#[cfg(unix)]
#[test]
fn a_wider_file_is_tightened_with_a_note_and_readers_warn() {
    let t = TestEnv::new();
    t.write(FILE);
    fs::set_permissions(&t.config, fs::Permissions::from_mode(0o644)).unwrap();
    t.run(&["profile", "list"])
        .success()
        .stderr_has("readable by other users (mode 0644)")
        .stderr_has("chmod 600");
    assert_eq!(mode(&t.config), 0o644, "reading must not change the mode");
    let written = set(&t, "b");
    written.success().stderr_has("from mode 0644 to mode 0600");
    assert!(
        !written.stderr.contains("readable by other users"),
        "writers fix it, not warn"
    );
    assert_eq!(mode(&t.config), 0o600);
    assert!(t.read().starts_with(FILE));
}

#[cfg(unix)]
#[test]
fn an_unchanged_file_is_not_rewritten() {
    let t = TestEnv::new();
    t.write(FILE);
    fs::set_permissions(&t.config, fs::Permissions::from_mode(0o600)).unwrap();
    let before = fs::metadata(&t.config).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    t.run(&["profile", "activate", "a"]).success();
    let after = fs::metadata(&t.config).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        before.ino(),
        after.ino(),
        "a no-op must not replace the file"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_stays_a_link_and_its_target_is_replaced() {
    let mut t = TestEnv::new();
    let target_dir = t.dir().join("dotfiles");
    fs::create_dir(&target_dir).unwrap();
    let target = target_dir.join("modal.toml");
    fs::write(&target, FILE).unwrap();
    let link = t.dir().join("link.toml");
    symlink("dotfiles/modal.toml", &link).unwrap();
    t.set_env("MODAL_CONFIG_PATH", link.to_str().unwrap());
    set(&t, "b").success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(&target).unwrap();
    assert!(text.starts_with(FILE) && text.contains("[b]"), "{text}");
    assert_eq!(mode(&target), 0o600);
    assert!(
        !target_dir.join(".modal.toml.lock").exists(),
        "no lock file is left beside the target"
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_gets_its_target_created() {
    let mut t = TestEnv::new();
    let link = t.dir().join("link.toml");
    symlink("made/later.toml", &link).unwrap();
    t.set_env("MODAL_CONFIG_PATH", link.to_str().unwrap());
    set(&t, "b").success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(t.dir().join("made/later.toml"))
            .unwrap()
            .contains("[b]")
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_and_a_directory_are_clear_errors() {
    let mut t = TestEnv::new();
    let a = t.dir().join("a.toml");
    let b = t.dir().join("b.toml");
    symlink(&b, &a).unwrap();
    symlink(&a, &b).unwrap();
    t.set_env("MODAL_CONFIG_PATH", a.to_str().unwrap());
    set(&t, "x").code(Exit::Failure).stderr_has("symlink loop");
    t.run(&["profile", "list"])
        .code(Exit::Failure)
        .stderr_has("symlink loop");

    let dir = t.dir().join("adir");
    fs::create_dir(&dir).unwrap();
    t.set_env("MODAL_CONFIG_PATH", dir.to_str().unwrap());
    // The hint names what chose the path, for a write and a read alike.
    let by_variable =
        "hint: the MODAL_CONFIG_PATH environment variable chose it: point that at a regular file";
    set(&t, "x")
        .code(Exit::Failure)
        .stderr_has("is a directory")
        .stderr_has(by_variable);
    t.run(&["profile", "list"])
        .code(Exit::Failure)
        .stderr_has("is a directory")
        .stderr_has(by_variable);
    t.run(&["--config", dir.to_str().unwrap(), "profile", "list"])
        .code(Exit::Failure)
        .stderr_has("hint: the --config flag chose it");
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_and_left_as_it_was() {
    let t = TestEnv::new();
    t.write(FILE);
    fs::set_permissions(&t.config, fs::Permissions::from_mode(0o400)).unwrap();
    set(&t, "b")
        .code(Exit::Failure)
        .stderr_has("read-only")
        .stderr_has("chmod u+w");
    assert_eq!(t.read(), FILE);
    assert_eq!(mode(&t.config), 0o400);
}

#[cfg(unix)] // a file-size limit (ulimit -f) is Unix
#[test]
fn a_failed_write_leaves_the_original_and_no_temp_file() {
    let t = TestEnv::new();
    // Big enough that the new file exceeds a 1-block size limit.
    let big = format!("{FILE}# {}\n", "x".repeat(4096));
    t.write(&big);
    let mut cmd = t.cmd(&[]);
    cmd.command = std::process::Command::new("sh");
    cmd.command
        .arg("-c")
        .arg(format!(
            "ulimit -f 1; exec {} token set --id ak-n --secret as-n --profile b --no-verify",
            crate::support::BIN
        ))
        .env_clear()
        .env("HOME", &t.home)
        .env("MODAL_CONFIG_PATH", &t.config)
        .env("NO_COLOR", "1");
    // modal-setup ignores SIGXFSZ, so the write fails with EFBIG: a clear error.
    cmd.run()
        .code(Exit::Failure)
        .stderr_has("could not write")
        .stderr_has("File too large");
    assert_eq!(t.read(), big);
    assert!(temp_files(&t.home).is_empty(), "{:?}", temp_files(&t.home));
}

#[test]
fn temp_files_left_by_a_killed_writer_are_cleaned_up_by_the_next_write() {
    let t = TestEnv::new();
    t.write(FILE);
    std::fs::write(t.home.join(".modal.toml.abc123.tmp"), "half a fi").unwrap();
    set(&t, "b").success();
    assert!(temp_files(&t.home).is_empty(), "{:?}", temp_files(&t.home));
    assert!(t.read().starts_with(FILE));
}

/// gh, gcloud and aws leave nothing beside their files: a write takes its lock file away, and
/// one left by a killed writer goes with the next write.
#[cfg(unix)]
#[test]
fn no_lock_file_is_left_behind() {
    let names = |t: &TestEnv| -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&t.home)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let t = TestEnv::new();
    set(&t, "a").success();
    assert_eq!(names(&t), [".modal.toml"]);
    fs::write(t.home.join(".modal.toml.lock"), "").unwrap();
    set(&t, "b").success();
    assert_eq!(names(&t), [".modal.toml"]);
}

#[test]
fn a_writer_blocked_on_the_lock_gives_up_with_a_clear_error() {
    let t = TestEnv::new();
    t.write(FILE);
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(t.home.join(".modal.toml.lock"))
        .unwrap();
    lock.lock().unwrap();
    t.token_set("ak-n", "as-n")
        .no_verify()
        .cmd()
        .env("MODAL_SETUP_LOCK_TIMEOUT", "0.3")
        .run()
        .code(Exit::Failure)
        .stderr_has("another modal-setup is writing")
        .stderr_has("gave up after waiting 0 s");
    assert_eq!(t.read(), FILE);
    drop(lock);
    set(&t, "b").success();
}

#[test]
fn concurrent_writers_lose_nothing() {
    let t = TestEnv::new();
    t.write(FILE);
    let children: Vec<_> = (0..16)
        .map(|i| {
            let id = format!("ak-w{i}");
            let secret = format!("as-w{i}");
            let profile = format!("w{i}");
            let mut cmd = t
                .token_set(&id, &secret)
                .profile(&profile)
                .no_verify()
                .cmd();
            cmd.command
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            cmd.command.spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let text = t.read();
    assert!(text.starts_with("# keep me\n[a]\n"));
    for i in 0..16 {
        assert!(
            text.contains(&format!(
                "[w{i}]\ntoken_id = \"ak-w{i}\"\ntoken_secret = \"as-w{i}\"\n"
            )),
            "w{i} lost:\n{text}"
        );
    }
    assert_eq!(text.matches("active = true").count(), 1, "{text}");
    assert!(temp_files(&t.home).is_empty());
}

#[cfg(unix)]
/// A FIFO, a device or a socket at the config path is refused, read or write, without
/// blocking; nothing is created or replaced.
#[test]
fn anything_but_a_regular_file_is_refused_and_left_alone() {
    use std::os::unix::fs::FileTypeExt;
    let t = TestEnv::new();
    let fifo = t.dir().join("fifo.toml");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let link = t.dir().join("link.toml");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let wait = std::time::Duration::from_secs(10);
    for config in [&fifo, &link] {
        let config = config.to_str().unwrap();
        for args in [
            &["--config", config, "profile", "list"][..],
            &["--config", config, "config", "show"],
            &["--config", config, "doctor", "--no-verify"],
            &[
                "--config",
                config,
                "token",
                "set",
                "--id",
                "ak-1",
                "--secret",
                "as-1",
                "--no-verify",
            ],
            &["--config", config, "profile", "activate", "a"],
        ] {
            let run = t.cmd(args).spawn().finish(wait);
            run.code(Exit::Failure).stderr_has(
                "is a FIFO (named pipe), not a regular file\nhint: the --config flag chose it: point that at a regular file",
            );
        }
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // A device, read only: a write test on /dev/null would, if it regressed, replace the
    // machine's /dev/null when run as root.
    let mut null = t.cmd(&["profile", "list"]);
    null.command.env("MODAL_CONFIG_PATH", "/dev/null");
    null.run()
        .code(Exit::Failure)
        .stderr_has("error: /dev/null is a character device, not a regular file");
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// The user (nobody) whose files a write as root must not take over.
#[cfg(unix)]
const USER: (u32, u32) = (65534, 65534);

/// Whether the test runs as root; otherwise it says it is skipped.
#[cfg(unix)]
fn as_root(test: &str) -> bool {
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        crate::support::skip(test, crate::support::Needs::Root, "not root");
    }
    root
}

#[cfg(unix)]
/// `sudo -E modal-setup token set …` on a user's file: the file stays the user's (and so does
/// the lock file while it exists: a user's writer waiting on it can open it). Needs root (CI
/// runs as root); elsewhere it says it is skipped.
#[test]
fn a_write_as_root_keeps_the_owner_of_the_file() {
    use std::os::unix::fs::MetadataExt;
    if !as_root("store::a_write_as_root_keeps_the_owner_of_the_file") {
        return;
    }
    let owner = |path: &std::path::Path| {
        let meta = fs::metadata(path).unwrap();
        (meta.uid(), meta.gid())
    };
    let t = TestEnv::new();
    t.write("[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n");
    std::os::unix::fs::chown(&t.home, Some(USER.0), Some(USER.1)).unwrap();
    std::os::unix::fs::chown(&t.config, Some(USER.0), Some(USER.1)).unwrap();
    set(&t, "b").success();
    assert!(t.read().contains("[b]"));
    assert_eq!(owner(&t.config), USER, "the file was handed to root");
    // A new file in the user's directory is the user's too.
    fs::remove_file(&t.config).unwrap();
    set(&t, "c").success();
    assert_eq!(owner(&t.config), USER);
}

#[cfg(unix)]
/// `sudo -E` where the file's directories do not exist yet (a dotfile manager's link
/// `~/.modal.toml -> .config/modal/modal.toml`, or MODAL_CONFIG_PATH under the user's home):
/// every directory created and the file belong to the owner of the nearest existing one, with
/// the modes a user's own write gives them. Needs root.
#[test]
fn directories_created_as_root_belong_to_the_user() {
    use std::os::unix::fs::MetadataExt;
    if !as_root("store::directories_created_as_root_belong_to_the_user") {
        return;
    }
    let owner_and_mode = |path: &std::path::Path| {
        let meta = fs::symlink_metadata(path).unwrap();
        (meta.uid(), meta.gid(), meta.mode() & 0o777)
    };
    let mut t = TestEnv::new();
    std::os::unix::fs::chown(&t.home, Some(USER.0), Some(USER.1)).unwrap();
    // The symlinked home file.
    std::os::unix::fs::symlink(".config/modal/modal.toml", &t.config).unwrap();
    set(&t, "a").success();
    for (path, mode) in [
        (".config", 0o700),
        (".config/modal", 0o700),
        (".config/modal/modal.toml", 0o600),
    ] {
        assert_eq!(
            owner_and_mode(&t.home.join(path)),
            (USER.0, USER.1, mode),
            "{path}"
        );
    }
    // MODAL_CONFIG_PATH under the user's home.
    let config = t.home.join("work/creds/modal.toml");
    t.set_env("MODAL_CONFIG_PATH", config.to_str().unwrap());
    set(&t, "b").success();
    for (path, mode) in [
        ("work", 0o700),
        ("work/creds", 0o700),
        ("work/creds/modal.toml", 0o600),
    ] {
        assert_eq!(
            owner_and_mode(&t.home.join(path)),
            (USER.0, USER.1, mode),
            "{path}"
        );
    }
}

#[cfg(unix)]
/// A config file that is a single-file bind mount (`docker run -v ~/.modal.toml:…`) cannot be
/// renamed over (EBUSY): it is rewritten in place, under the lock, saying so. Needs root and
/// `unshare` (the mount lives in a mount namespace of its own and ends with it); elsewhere it
/// says it is skipped.
#[test]
fn a_bind_mounted_file_is_rewritten_in_place() {
    let can = unsafe { libc::geteuid() } == 0
        && std::process::Command::new("unshare")
            .args(["-m", "true"])
            .status()
            .is_ok_and(|s| s.success());
    if !can {
        crate::support::skip(
            "store::a_bind_mounted_file_is_rewritten_in_place",
            crate::support::Needs::Root,
            "needs root and unshare -m",
        );
        return;
    }
    let t = TestEnv::new();
    let source = t.dir().join("host.modal.toml");
    let original =
        "# the host's file\n[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n";
    fs::write(&source, original).unwrap();
    fs::set_permissions(&source, fs::Permissions::from_mode(0o644)).unwrap();
    t.write("");
    // The harness's environment for the command, around `unshare -m sh -c 'mount … && exec …'`.
    let mut cmd = t.cmd(&[]);
    let mut unshare = std::process::Command::new("unshare");
    unshare
        .args([
            "-m",
            "sh",
            "-c",
            "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"",
            "sh",
        ])
        .arg(&source)
        .arg(&t.config)
        .arg(crate::support::BIN)
        .args([
            "token",
            "set",
            "--id",
            "ak-b",
            "--secret",
            "as-b",
            "--profile",
            "b",
            "--no-verify",
            "--no-activate",
        ])
        .env_clear()
        .current_dir(t.dir());
    for (name, value) in cmd.command.get_envs() {
        if let Some(value) = value {
            unshare.env(name, value);
        }
    }
    cmd.command = unshare;
    let run = cmd.run();
    run.success().stderr_has(&format!(
        "note: {} cannot be replaced (Device or resource busy (os error 16): a bind mount?), so it was rewritten in place",
        t.config.display()
    ));
    let host = fs::read_to_string(&source).unwrap();
    assert!(host.starts_with(original), "{host}");
    assert!(host.contains("[b]\ntoken_id = \"ak-b\""), "{host}");
    assert_eq!(mode(&source), 0o600, "tightened in place");
    assert!(temp_files(t.dir().join("home").as_path()).is_empty());
}

/// Windows: a program holding the file open without sharing its deletion (Python's `open`,
/// an editor, a virus scan) blocks the replace. The writer waits for it briefly, then gives
/// up with the file untouched; one that lets go in time sees the write go through.
#[cfg(windows)]
#[test]
fn a_file_held_open_elsewhere_is_waited_for_then_left_untouched() {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    let hold = |t: &TestEnv| {
        fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(&t.config)
            .unwrap()
    };
    let t = TestEnv::new();
    t.write(FILE);
    let held = hold(&t);
    set(&t, "b")
        .code(Exit::Failure)
        .stderr_has("another program holds it open")
        .stderr_has("hint: close what has it open");
    assert_eq!(t.read(), FILE);
    assert!(temp_files(&t.home).is_empty(), "{:?}", temp_files(&t.home));
    drop(held);

    let held = hold(&t);
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        drop(held);
    });
    set(&t, "b").success();
    release.join().unwrap();
    assert!(t.read().contains("[b]"));
}

/// Windows: the file written gets an access list of its own (the user, the system and
/// administrators), not the directory's.
#[cfg(windows)]
#[test]
fn a_new_file_gets_an_owner_only_access_list() {
    use std::io::Write;
    let t = TestEnv::new();
    set(&t, "a").success();
    let dacl = modal_setup::platform::dacl_of(&t.config).expect("the access list");
    if std::env::var_os("WINEPREFIX").is_some() && !dacl.starts_with("D:P") {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED access lists: Wine keeps no access list of its own ({dacl})"
        );
        return;
    }
    assert!(dacl.starts_with("D:P(A;;FA;;;S-1-5-"), "{dacl}");
    assert!(dacl.ends_with("(A;;FA;;;SY)(A;;FA;;;BA)"), "{dacl}");
}
