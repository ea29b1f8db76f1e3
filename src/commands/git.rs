//! The warning for a config file that git could commit: it lies in a work tree, and git's
//! ignore rules do not exclude it or the index already tracks it.
//!
//! Nothing here runs git: a repository's own config can name programs git would run
//! (`core.fsmonitor`, hooks), and a config file inside a downloaded repository must not make
//! looking at it run them. The rules are read as data: each `.gitignore` from the work tree's
//! root down, `.git/info/exclude` and the user's global excludes file (ripgrep's `ignore`
//! crate), and the index's list of tracked paths. The repository's own `core.excludesFile` is
//! not read.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Warns, with the `.gitignore` line that fixes it, when git could commit `file` (it holds a
/// token): the one wording for the config file and for `token env --output`.
pub fn warn_if_committable(printer: &crate::output::Printer, file: &Path) {
    if let Some((root, line)) = unignored_in_work_tree(file) {
        printer.warn(format_args!(
            "{} is inside the git work tree {} and not ignored, so its token could be committed; add this line to {}: {line}",
            file.display(),
            root.display(),
            root.join(".gitignore").display(),
        ));
    }
}

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
    let git_dir = git_dir(&root);
    let tracked = || git_dir.as_deref().is_none_or(|dir| tracks(dir, &relative));
    (!is_ignored(&root, git_dir.as_deref(), &relative) || tracked())
        .then(|| (root.clone(), gitignore_line(&relative)))
}

/// The repository's directory: `.git`, or where a `.git` file (a linked work tree, a
/// submodule) points with its `gitdir: PATH` line.
fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    Some(root.join(target))
}

/// Whether git's ignore rules exclude `relative` (or a directory above it, which git does not
/// enter). The deepest `.gitignore` decides first, then those above it, then
/// `info/exclude`, then the global excludes file; within one file the last match wins.
fn is_ignored(root: &Path, git_dir: Option<&Path>, relative: &Path) -> bool {
    let (global, _) = Gitignore::global();
    let exclude = git_dir.map(|dir| rules(root, &dir.join("info").join("exclude")));
    let mut levels: Vec<Gitignore> = vec![global];
    levels.extend(exclude);
    let mut dir = root.to_owned();
    levels.push(rules(&dir, &dir.join(".gitignore")));
    let parts: Vec<_> = relative.components().collect();
    for (depth, part) in parts.iter().enumerate() {
        let path = dir.join(part);
        let is_dir = depth + 1 < parts.len();
        let verdict = levels
            .iter()
            .rev()
            .map(|level| level.matched(&path, is_dir))
            .find(|found| !found.is_none());
        if verdict.is_some_and(|found| found.is_ignore()) {
            return true;
        }
        if is_dir {
            levels.push(rules(&path, &path.join(".gitignore")));
        }
        dir = path;
    }
    false
}

/// The patterns of one ignore file, relative to `base`; none when it cannot be read.
fn rules(base: &Path, file: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new(base);
    builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// Whether the index lists `relative` (a tracked file is committed whatever the ignore rules
/// say). An index that cannot be read counts as tracking it: the warning errs on the safe
/// side.
fn tracks(git_dir: &Path, relative: &Path) -> bool {
    let wanted: Vec<u8> = gitignore_line(relative).into_bytes().split_off(1);
    match std::fs::read(git_dir.join("index")) {
        Ok(index) => index_paths(&index).is_none_or(|paths| paths.contains(&wanted)),
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

/// The paths an index file (versions 2 to 4) lists; `None` when it is not one. Object ids are
/// SHA-1 or SHA-256: the one whose entries' name lengths agree with their flags.
fn index_paths(index: &[u8]) -> Option<Vec<Vec<u8>>> {
    if index.get(..4)? != b"DIRC" {
        return None;
    }
    let (version, count) = (be32(index, 4)?, be32(index, 8)?);
    [20, 32]
        .into_iter()
        .find_map(|id_len| index_entries(index, version, count, id_len))
}

fn index_entries(index: &[u8], version: u32, count: u32, id_len: usize) -> Option<Vec<Vec<u8>>> {
    let mut paths: Vec<Vec<u8>> = Vec::new();
    let mut at = 12;
    for _ in 0..count {
        let start = at;
        let flags = u16::from_be_bytes(index.get(at + 40 + id_len..)?.get(..2)?.try_into().ok()?);
        at += 42 + id_len + if flags & 0x4000 != 0 { 2 } else { 0 };
        let mut path = Vec::new();
        if version >= 4 {
            let (strip, used) = varint(index.get(at..)?)?;
            at += used;
            let previous = paths.last().map_or(&[][..], Vec::as_slice);
            path.extend_from_slice(previous.get(..previous.len().checked_sub(strip)?)?);
        }
        let name_len = index.get(at..)?.iter().position(|&b| b == 0)?;
        path.extend_from_slice(&index[at..at + name_len]);
        if usize::from(flags & 0xfff) != path.len().min(0xfff) {
            return None;
        }
        // Versions 2 and 3 pad each entry with NULs to a multiple of eight bytes.
        let end = at + name_len;
        at = if version >= 4 {
            end + 1
        } else {
            start + (end - start + 8) / 8 * 8
        };
        paths.push(path);
    }
    Some(paths)
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Git's offset varint (index version 4): seven bits a byte, each continuation adding one.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (used, &byte) in bytes.iter().enumerate() {
        if used > 0 {
            value = value.checked_add(1)?;
        }
        value = value.checked_mul(128)? | usize::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((value, used + 1));
        }
    }
    None
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

    #[test]
    fn varints_are_git_s_offset_encoding() {
        assert_eq!(super::varint(&[0x05]), Some((5, 1)));
        // 0x80 0x00 is 128 in git's encoding (each continuation adds one).
        assert_eq!(super::varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(super::varint(&[0x80]), None);
    }
}
