//! The warning for a config file that git could commit: it lies in a work tree and is not
//! ignored.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The work tree holding `file` when git would not ignore it: `(root, path inside the tree)`.
pub fn unignored_in_work_tree(file: &Path) -> Option<(PathBuf, PathBuf)> {
    let file = if file.is_absolute() {
        file.to_owned()
    } else {
        std::env::current_dir().ok()?.join(file)
    };
    let root = file
        .parent()?
        .ancestors()
        .find(|dir| dir.join(".git").exists())?
        .to_owned();
    let relative = file.strip_prefix(&root).ok()?.to_owned();
    let ignored = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["check-ignore", "-q", "--"])
        .arg(&relative)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match ignored {
        // 0: ignored. 1: not ignored. Anything else (no git, not a repository): assume the
        // worst, since a `.git` is there.
        Ok(status) if status.code() == Some(0) => None,
        _ => Some((root, relative)),
    }
}
