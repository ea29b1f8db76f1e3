//! What differs between Unix and Windows, behind one set of functions (as cargo's `flock.rs`
//! keeps one `mod sys` per platform): the config file's protection and ownership, how it is
//! opened and replaced, the terminal on Ctrl-C and during hidden input, process limits, and
//! the shell lines messages show. Nothing else in the crate names a platform.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

/// The open-file limit [`raise_open_file_limit`] asks for. tiny_http reads each connection on
/// a thread of its own and gives up for good when it runs out of file descriptors (its accept
/// loop ends at a failed accept), and `profile list --check` may dial many servers at once:
/// both raise the soft limit first, as Go's runtime does.
#[cfg(unix)]
const OPEN_FILES: u64 = 65_536;

/// Who can read a file, as the platform says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// Only its owner (and, on Windows, the system and administrators) can read it.
    pub private: bool,
    /// The platform's own words for it: `mode 0644`, or the file's access list in SDDL.
    pub shown: String,
}

/// What to do about a failed rename of the temp file over the config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameFailure {
    /// The file cannot be replaced, only rewritten (a bind-mounted file, another file system).
    WriteInPlace,
    /// Another program holds the file open (Windows' sharing violation): try again shortly.
    Retry,
    /// Anything else: report it.
    Fatal,
}

/// Whether an access list (a DACL in SDDL, as Windows writes it) lets no one read the file but
/// `user` (a SID), the system, administrators and the owner: what the user's profile
/// directory gives its files, and what OpenSSH for Windows asks of a private key. Allow
/// entries only count; a missing DACL (`D:NO_ACCESS_CONTROL`) lets everyone in.
pub fn dacl_is_private(sddl: &str, user: &str) -> bool {
    let Some(dacl) = sddl.find("D:").map(|at| &sddl[at + 2..]) else {
        return false;
    };
    if dacl.starts_with("NO_ACCESS_CONTROL") {
        return false;
    }
    dacl.split('(').skip(1).all(|ace| {
        let fields: Vec<&str> = ace
            .trim_end_matches(|c| c != ')')
            .trim_end_matches(')')
            .split(';')
            .collect();
        let allows = matches!(fields.first(), Some(&("A" | "OA" | "XA" | "ZA")));
        let sid = fields.get(5).copied().unwrap_or("");
        !allows || sid == user || matches!(sid, "SY" | "BA" | "OW")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "S-1-5-21-1-2-3-1001";

    #[test]
    fn an_access_list_is_private_when_only_the_user_and_the_system_are_let_in() {
        let ours = format!("D:P(A;;FA;;;{USER})(A;;FA;;;SY)(A;;FA;;;BA)");
        assert!(dacl_is_private(&ours, USER));
        // What a file in the user's profile directory inherits.
        let inherited = format!("D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;{USER})");
        assert!(dacl_is_private(&inherited, USER));
        // A deny entry for anyone takes nothing away from privacy.
        assert!(dacl_is_private(
            &format!("D:(D;;FA;;;WD)(A;;FA;;;{USER})"),
            USER
        ));
    }

    #[test]
    fn an_access_list_that_lets_others_in_is_not_private() {
        // What a file directly under C:\ inherits: authenticated users and users may read it.
        let root =
            format!("D:AI(A;ID;FA;;;SY)(A;ID;0x1301bf;;;AU)(A;ID;0x1200a9;;;BU)(A;;FA;;;{USER})");
        assert!(!dacl_is_private(&root, USER));
        assert!(!dacl_is_private("D:(A;;FA;;;S-1-5-21-1-2-3-1002)", USER));
        assert!(!dacl_is_private("D:NO_ACCESS_CONTROL", USER));
        assert!(!dacl_is_private("O:BA", USER), "no DACL at all");
    }

    #[test]
    fn the_line_that_unsets_variables_is_the_shell_s() {
        let line = unset_line(&["MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"]);
        if cfg!(windows) {
            assert_eq!(line, "set MODAL_TOKEN_ID= & set MODAL_TOKEN_SECRET=");
        } else {
            assert_eq!(line, "unset MODAL_TOKEN_ID MODAL_TOKEN_SECRET");
        }
    }
}
