//! Windows: access lists instead of modes, the console API instead of termios, and a
//! replace that waits out another program holding the file open.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_ACCESS_DENIED, ERROR_CANT_RESOLVE_FILENAME, ERROR_LOCK_VIOLATION,
    ERROR_SHARING_VIOLATION, HANDLE, HLOCAL, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
    ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW, SDDL_REVISION_1,
    SE_FILE_OBJECT, SetNamedSecurityInfoW,
};
use windows_sys::Win32::Security::{
    ACL, DACL_SECURITY_INFORMATION, GetSecurityDescriptorDacl, GetTokenInformation,
    PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, ENABLE_ECHO_INPUT, GetConsoleMode, GetStdHandle,
    STD_INPUT_HANDLE, SetConsoleCtrlHandler, SetConsoleMode,
};
use windows_sys::Win32::System::Threading::{ExitProcess, GetCurrentProcess, OpenProcessToken};

use super::{Access, RenameFailure, dacl_is_private};

/// The variable that names the home directory.
pub const HOME_VARIABLE: &str = crate::env::USERPROFILE;

/// The home directory: `%USERPROFILE%`, which Modal's three clients read, else the profile
/// folder Windows knows (what `dirs` asks for, ignoring the variable).
pub fn home_dir(env: &crate::env::Env) -> Option<std::path::PathBuf> {
    env.get_os(crate::env::USERPROFILE)
        .map(std::path::PathBuf::from)
        .or_else(dirs::home_dir)
}

/// How a private file is shown.
pub const PRIVATE_SHOWN: &str = "an access list for you, the system and administrators only";

/// Nothing to prepare: no signal ends a process for a large write.
pub fn prepare_process() {}

/// Windows has no per-process limit on sockets and handles to raise.
pub fn raise_open_file_limit() {}

/// The system's store is not a directory OpenSSL would read.
pub fn cert_dirs() -> Vec<std::path::PathBuf> {
    Vec::new()
}

pub fn open_to_read(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// What a path that is neither a file nor a directory names.
pub fn special_kind(_meta: &fs::Metadata) -> &'static str {
    "not a regular file"
}

/// A chain of reparse points (symlinks) that never ends.
pub fn is_symlink_loop(error: &io::Error) -> bool {
    error.raw_os_error() == Some(ERROR_CANT_RESOLVE_FILENAME as i32)
}

/// A new directory inherits its parent's access list (the user's profile is private).
pub fn create_private_dir(dir: &Path, _owner: Option<Owner>) -> io::Result<()> {
    match fs::create_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        created => created,
    }
}

/// The lock file stays: whether a path still names an open file cannot be asked as simply
/// as on Unix, so it is kept, hidden, instead of being removed under a waiting writer.
pub const REMOVES_LOCK_FILES: bool = false;

/// The lock file is never removed, so the path always names it.
pub fn names_file(_path: &Path, _file: &File) -> bool {
    true
}

/// The lock file, hidden from Explorer's listing.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .attributes(FILE_ATTRIBUTE_HIDDEN)
        .open(path)
}

/// The read-only attribute.
pub fn is_read_only(meta: &fs::Metadata) -> bool {
    meta.permissions().readonly()
}

/// The file's access list: private when only the user, the system and administrators are
/// let in (see [`dacl_is_private`]).
pub fn access(path: &Path) -> Option<Access> {
    let sddl = dacl_of(path)?;
    let user = user_sid()?;
    Some(Access {
        private: dacl_is_private(&sddl, &user),
        shown: format!("access list {sddl}"),
    })
}

/// Gives the file an access list of its own, not inherited: full control for the user, the
/// system and administrators, no one else.
pub fn make_private(path: &Path) -> io::Result<()> {
    let user = user_sid().ok_or_else(io::Error::last_os_error)?;
    let sddl = wide(OsStr::new(&format!(
        "D:P(A;;FA;;;{user})(A;;FA;;;SY)(A;;FA;;;BA)"
    )));
    let path = wide(path.as_os_str());
    let mut descriptor: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: both strings are NUL-terminated; the descriptor is freed with LocalFree below.
    unsafe {
        if ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            ptr::null_mut(),
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        let mut present = 0;
        let mut defaulted = 0;
        let mut dacl: *mut ACL = ptr::null_mut();
        let result = if GetSecurityDescriptorDacl(
            descriptor,
            &mut present,
            &mut dacl,
            &mut defaulted,
        ) == 0
        {
            Err(io::Error::last_os_error())
        } else {
            match SetNamedSecurityInfoW(
                path.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                ptr::null_mut(),
                ptr::null_mut(),
                dacl,
                ptr::null(),
            ) {
                0 => Ok(()),
                code => Err(io::Error::from_raw_os_error(code as i32)),
            }
        };
        LocalFree(descriptor as HLOCAL);
        result
    }
}

/// A new temp file gets the private access list before anything is written into it; the
/// rename keeps it.
pub fn protect_new_file(path: &Path) -> io::Result<()> {
    make_private(path)
}

/// The command that makes `path` private (cmd and PowerShell alike).
pub fn make_private_command(path: &Path) -> String {
    format!(
        "icacls \"{}\" /inheritance:r /grant:r \"%USERNAME%:F\" SYSTEM:F Administrators:F",
        path.display()
    )
}

/// Files keep the owner that created them: nothing to hand over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner;

pub fn owner_of(_path: &Path) -> Option<Owner> {
    None
}

pub fn give_to(_file: &File, _owner: Option<Owner>) {}

/// A file another program holds open without sharing deletion (an editor, an indexer, an
/// antivirus scan, Python's `open`) cannot be replaced until it lets go.
pub fn rename_failure(error: &io::Error) -> RenameFailure {
    match error.raw_os_error().map(|code| code as u32) {
        Some(ERROR_SHARING_VIOLATION | ERROR_ACCESS_DENIED | ERROR_LOCK_VIOLATION) => {
            RenameFailure::Retry
        }
        _ => RenameFailure::Fatal,
    }
}

/// The line that clears the environment variables `names` in cmd.
pub fn unset_line(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("set {name}="))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Runs `read` with the console's echo off when stdin is a console.
pub fn with_echo_off<T>(read: impl FnOnce() -> T) -> T {
    // SAFETY: GetStdHandle has no preconditions; GetConsoleMode fails on anything but a console.
    let input = unsafe { GetStdHandle(STD_INPUT_HANDLE) };
    let mut saved = 0;
    let have_console = unsafe { GetConsoleMode(input, &mut saved) } != 0;
    if have_console {
        // SAFETY: a console handle and a mode derived from its own.
        unsafe { SetConsoleMode(input, saved & !ENABLE_ECHO_INPUT) };
    }
    let value = read();
    if have_console {
        // SAFETY: restores what GetConsoleMode read.
        unsafe { SetConsoleMode(input, saved) };
    }
    value
}

static HANDLER: OnceLock<fn() -> !> = OnceLock::new();
static HAVE_CONSOLE: AtomicBool = AtomicBool::new(false);
static SAVED_MODE: AtomicU32 = AtomicU32::new(0);

unsafe extern "system" fn on_ctrl(kind: u32) -> windows_sys::core::BOOL {
    match (kind, HANDLER.get()) {
        (CTRL_C_EVENT | CTRL_BREAK_EVENT, Some(handler)) => handler(),
        _ => 0,
    }
}

/// Saves the console's input mode and makes Ctrl-C and Ctrl-Break call `handler` (on a thread
/// of its own, as Windows runs console handlers).
pub fn on_interrupt(handler: fn() -> !) {
    if HANDLER.set(handler).is_err() {
        return;
    }
    // SAFETY: see with_echo_off.
    unsafe {
        let mut mode = 0;
        if GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mut mode) != 0 {
            SAVED_MODE.store(mode, Ordering::SeqCst);
            HAVE_CONSOLE.store(true, Ordering::SeqCst);
        }
        SetConsoleCtrlHandler(Some(on_ctrl), 1);
    }
}

/// Puts the console's input mode back as it was at start (echo on, line input).
pub fn restore_terminal() {
    if HAVE_CONSOLE.load(Ordering::SeqCst) {
        // SAFETY: the mode GetConsoleMode gave for the same handle.
        unsafe {
            SetConsoleMode(
                GetStdHandle(STD_INPUT_HANDLE),
                SAVED_MODE.load(Ordering::SeqCst),
            )
        };
    }
}

pub fn write_stderr(bytes: &[u8]) {
    use std::io::Write;
    let _ = io::stderr().write_all(bytes);
}

pub fn exit_now(code: i32) -> ! {
    // SAFETY: ends the process; nothing runs after it.
    unsafe { ExitProcess(code as u32) }
}

/// The SID of the user this process runs as, in its string form (`S-1-5-21-…`).
fn user_sid() -> Option<String> {
    static SID: OnceLock<Option<String>> = OnceLock::new();
    SID.get_or_init(|| {
        // SAFETY: the token handle is closed below; the buffer is sized by the first call and
        // aligned for TOKEN_USER; the string is freed with LocalFree.
        unsafe {
            let mut token: HANDLE = ptr::null_mut();
            if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                return None;
            }
            let mut size = 0;
            GetTokenInformation(token, TokenUser, ptr::null_mut(), 0, &mut size);
            let mut buffer = vec![0u64; (size as usize).div_ceil(8)];
            let ok = GetTokenInformation(
                token,
                TokenUser,
                buffer.as_mut_ptr().cast(),
                size,
                &mut size,
            );
            CloseHandle(token);
            if ok == 0 {
                return None;
            }
            let user = &*(buffer.as_ptr().cast::<TOKEN_USER>());
            let mut text = ptr::null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
                return None;
            }
            let sid = from_wide(text);
            LocalFree(text as HLOCAL);
            Some(sid)
        }
    })
    .clone()
}

/// The file's DACL in SDDL (`D:P(A;;FA;;;S-1-5-21-…)…`).
pub fn dacl_of(path: &Path) -> Option<String> {
    let path = wide(path.as_os_str());
    let mut descriptor: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: a NUL-terminated path; the descriptor and the string are freed with LocalFree.
    unsafe {
        let mut dacl: *mut ACL = ptr::null_mut();
        let found = GetNamedSecurityInfoW(
            path.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut dacl,
            ptr::null_mut(),
            &mut descriptor,
        );
        if found != 0 {
            return None;
        }
        let mut text = ptr::null_mut();
        let converted = ConvertSecurityDescriptorToStringSecurityDescriptorW(
            descriptor,
            SDDL_REVISION_1,
            DACL_SECURITY_INFORMATION,
            &mut text,
            ptr::null_mut(),
        );
        let sddl = (converted != 0).then(|| from_wide(text));
        if converted != 0 {
            LocalFree(text as HLOCAL);
        }
        LocalFree(descriptor as HLOCAL);
        sddl
    }
}

fn wide(text: &OsStr) -> Vec<u16> {
    text.encode_wide().chain(Some(0)).collect()
}

/// # Safety
/// `text` points to a NUL-terminated UTF-16 string.
unsafe fn from_wide(text: *const u16) -> String {
    let mut len = 0;
    // SAFETY: the string ends at its NUL.
    while unsafe { *text.add(len) } != 0 {
        len += 1;
    }
    String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(text, len) })
}

/// The command that clears `path`'s read-only attribute.
pub fn make_writable_command(path: &Path) -> String {
    format!("attrib -R \"{}\"", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_made_private_gets_an_access_list_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modal.toml");
        std::fs::write(&path, "").unwrap();
        make_private(&path).unwrap();
        let dacl = dacl_of(&path).expect("the access list");
        let user = user_sid().expect("the user's SID");
        if std::env::var_os("WINEPREFIX").is_some() && !dacl.starts_with("D:P") {
            use std::io::Write;
            let _ = writeln!(
                io::stderr(),
                "SKIPPED access lists: Wine accepts SetNamedSecurityInfoW but keeps deriving the list from the Unix mode ({dacl})"
            );
            return;
        }
        assert_eq!(dacl, format!("D:P(A;;FA;;;{user})(A;;FA;;;SY)(A;;FA;;;BA)"));
        assert!(access(&path).unwrap().private);
    }
}
