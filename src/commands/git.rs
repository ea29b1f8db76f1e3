//! The warning for a config file that git could commit: it lies in a work tree and is not
//! ignored.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The work tree holding `file` when git would not ignore it: `(root, the .gitignore line
/// that ignores it)`. The line is `/` + the path inside the tree with `/` between its parts,
/// as git reads patterns on Windows too.
pub fn unignored_in_work_tree(file: &Path) -> Option<(PathBuf, String)> {
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
        _ => Some((root, gitignore_line(&relative))),
    }
}

fn gitignore_line(relative: &Path) -> String {
    relative
        .components()
        .map(|part| format!("/{}", part.as_os_str().to_string_lossy()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_gitignore_line_uses_forward_slashes() {
        let relative = std::path::Path::new("creds").join("modal.toml");
        assert_eq!(super::gitignore_line(&relative), "/creds/modal.toml");
    }
}
