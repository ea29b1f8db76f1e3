//! Unix: modes and owners, termios, signals, rlimits.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Access, RenameFailure};

/// The variable that names the home directory.
pub const HOME_VARIABLE: &str = "HOME";

/// The home directory: `$HOME`, else the user database's (as Python's `expanduser` and Go's
/// `os.UserHomeDir` find it).
pub fn home_dir(_env: &crate::env::Env) -> Option<std::path::PathBuf> {
    dirs::home_dir()
}

/// How a private file is shown.
pub const PRIVATE_SHOWN: &str = "mode 0600";

/// A file-size limit (ulimit -f) then fails a write with EFBIG, which is reported and leaves
/// the config file as it was, instead of killing the process mid-write.
pub fn prepare_process() {
    // SAFETY: setting a signal to SIG_IGN has no preconditions.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
}

/// Raises the soft limit on open files toward the hard one (best effort, to
/// [`super::OPEN_FILES`] at most). macOS starts processes at 256 and refuses more than
/// OPEN_MAX (10,240) even under an unlimited hard limit, so a refused raise is tried again at
/// that (as Go's runtime does).
pub fn raise_open_file_limit() {
    let wanted = super::OPEN_FILES;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) == 0 {
            let wanted = limit.rlim_max.min(wanted as libc::rlim_t);
            if limit.rlim_cur < wanted {
                let before = limit.rlim_cur;
                limit.rlim_cur = wanted;
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raw const limit) != 0 {
                    limit.rlim_cur = wanted.min(OPEN_MAX).max(before);
                    libc::setrlimit(libc::RLIMIT_NOFILE, &raw const limit);
                }
            }
        }
    }
}

/// The directories OpenSSL reads certificates from by default (read beside SSL_CERT_FILE, as
/// OpenSSL does: see `api::transport::tls`).
pub fn cert_dirs() -> Vec<std::path::PathBuf> {
    openssl_probe::candidate_cert_dirs()
        .map(ToOwned::to_owned)
        .collect()
}

/// macOS's per-process ceiling for `setrlimit(RLIMIT_NOFILE)` (`<sys/syslimits.h>`).
const OPEN_MAX: libc::rlim_t = 10_240;

/// Opens a file to read it without ever blocking on a FIFO.
pub fn open_to_read(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// What a path that is neither a file nor a directory names.
pub fn special_kind(meta: &fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// "Too many levels of symbolic links" (`io::ErrorKind::FilesystemLoop` is not stable yet).
pub fn is_symlink_loop(error: &io::Error) -> bool {
    error.raw_os_error() == Some(libc::ELOOP)
}

/// A directory only its owner can enter (mode 0700), given to `owner` (see [`give_to`]); its
/// parent exists. One that appeared meanwhile is left as it is.
pub fn create_private_dir(dir: &Path, owner: Option<Owner>) -> io::Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => return Ok(()),
        created => created?,
    }
    if let Ok(dir) = File::open(dir) {
        give_to(&dir, owner);
    }
    Ok(())
}

/// A lock file is removed by the writer that releases it (see `config::store::Lock`).
pub const REMOVES_LOCK_FILES: bool = true;

/// Whether `path` still names `file` (same device and inode): a lock taken on a file another
/// writer has removed since it was opened is no lock.
pub fn names_file(path: &Path, file: &File) -> bool {
    match (fs::metadata(path), file.metadata()) {
        (Ok(at_path), Ok(held)) => (at_path.dev(), at_path.ino()) == (held.dev(), held.ino()),
        _ => false,
    }
}

/// The lock file, created 0600.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)
}

/// Whether no one may write the file (no owner write bit).
pub fn is_read_only(meta: &fs::Metadata) -> bool {
    meta.permissions().mode() & 0o200 == 0
}

/// The file's mode: private when neither group nor others have any bit.
pub fn access(path: &Path) -> Option<Access> {
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    Some(Access {
        private: mode & 0o077 == 0,
        shown: format!("mode {mode:04o}"),
    })
}

/// Makes an existing file private: mode 0600.
pub fn make_private(path: &Path) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// A temp file is created 0600 already (tempfile's default).
pub fn protect_new_file(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// The command that makes `path` private.
pub fn make_private_command(path: &Path) -> String {
    format!("chmod 600 {}", shell_words::quote(&path.to_string_lossy()))
}

/// A file's owning user and group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner(u32, u32);

pub fn owner_of(path: &Path) -> Option<Owner> {
    fs::metadata(path).ok().map(|m| Owner(m.uid(), m.gid()))
}

/// Gives `file` to `owner` when it belongs to someone else: only root can, and only root
/// needs to (a file it creates is root's, and `sudo -E` must not hand a user's file to root).
/// Anyone else keeps the file as created.
pub fn give_to(file: &File, owner: Option<Owner>) {
    let Some(Owner(uid, gid)) = owner else { return };
    let Ok(meta) = file.metadata() else { return };
    if (meta.uid(), meta.gid()) != (uid, gid) {
        let _ = std::os::unix::fs::fchown(file, Some(uid), Some(gid));
    }
}

/// A rename over a mount point (a single-file bind mount, as `docker run -v
/// ~/.modal.toml:…` makes: EBUSY) or onto another file system (EXDEV) cannot work.
pub fn rename_failure(error: &io::Error) -> RenameFailure {
    match error.raw_os_error() {
        Some(libc::EBUSY | libc::EXDEV) => RenameFailure::WriteInPlace,
        _ => RenameFailure::Fatal,
    }
}

/// The line that clears the environment variables `names`.
pub fn unset_line(names: &[&str]) -> String {
    format!("unset {}", names.join(" "))
}

/// Runs `read` with stdin's echo off when stdin is a terminal.
pub fn with_echo_off<T>(read: impl FnOnce() -> T) -> T {
    // SAFETY: termios is plain data; tcgetattr fills it on success.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    let have_terminal = unsafe { libc::tcgetattr(0, &mut saved) } == 0;
    if have_terminal {
        let mut quiet = saved;
        quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
        // SAFETY: a valid termios for fd 0, from tcgetattr.
        unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, &quiet) };
    }
    let value = read();
    if have_terminal {
        // SAFETY: restores what tcgetattr read.
        unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, &saved) };
    }
    value
}

static HAVE_TERMIOS: AtomicBool = AtomicBool::new(false);
/// stdin's terminal settings at start, written once before the handler is installed.
static mut SAVED_TERMIOS: std::mem::MaybeUninit<libc::termios> = std::mem::MaybeUninit::uninit();

/// Saves stdin's terminal settings and makes SIGINT call `handler` on a thread of its own, so
/// that the handler may do anything a thread can (take a lock, revoke a token). SIGINT is
/// blocked in this thread and in every thread started after it (std resets the mask of child
/// processes); call this before starting any thread.
pub fn on_interrupt(handler: fn() -> !) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if INSTALLED.set(()).is_err() {
        return;
    }
    // SAFETY: tcgetattr writes a termios into the buffer on success; nothing reads it before
    // the thread below starts. The signal set is initialised by sigemptyset before use.
    let set = unsafe {
        let saved = &raw mut SAVED_TERMIOS;
        if libc::tcgetattr(0, (*saved).as_mut_ptr()) == 0 {
            HAVE_TERMIOS.store(true, Ordering::SeqCst);
        }
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    std::thread::spawn(move || {
        loop {
            let mut signal = 0;
            // SAFETY: `set` is a valid signal set; sigwait writes the signal taken.
            if unsafe { libc::sigwait(&set, &mut signal) } == 0 && signal == libc::SIGINT {
                handler();
            }
        }
    });
}

/// Puts stdin's terminal back as it was at start (echo on, line mode).
pub fn restore_terminal() {
    if HAVE_TERMIOS.load(Ordering::SeqCst) {
        // SAFETY: SAVED_TERMIOS was written before the handler was installed and is only
        // read from then on.
        unsafe {
            let saved = &raw const SAVED_TERMIOS;
            libc::tcsetattr(0, libc::TCSANOW, (*saved).as_ptr());
        }
    }
}

/// Writes to stderr with one system call, safe inside a signal handler.
pub fn write_stderr(bytes: &[u8]) {
    // SAFETY: write(2) is async-signal-safe; the buffer is valid for its length.
    unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
}

/// Ends the process at once, without running destructors or atexit handlers.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(code) }
}

/// The command that lets the owner write `path` again.
pub fn make_writable_command(path: &Path) -> String {
    format!("chmod u+w {}", shell_words::quote(&path.to_string_lossy()))
}
