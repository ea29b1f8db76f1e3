//! Reading and writing the config file safely.
//!
//! A write is one read-modify-write under an exclusive lock on a sibling lock file. The new
//! content goes to a temp file in the same directory, created 0600, fsynced and renamed over the
//! target; then the directory is fsynced. A failure at any step leaves the original untouched.
//! Only where a rename cannot replace the file (a bind-mounted file) is it rewritten in place.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use super::Config;
use super::edit::Settled;
use crate::error::{Error, Result};
use crate::platform::{self, Access, Owner, RenameFailure};

/// How long a writer waits for another one by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_SYMLINK_HOPS: usize = 40;
/// How long a replace waits for another program to let go of the file (Windows).
const REPLACE_RETRY: Duration = Duration::from_secs(2);

/// How far this process's writer has got with the config file, for Ctrl-C to say what is
/// true (`crate::interrupt` reads it; the store only records it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    NothingWritten = 0,
    Writing = 1,
    Written = 2,
}

static PHASE: AtomicU8 = AtomicU8::new(Phase::NothingWritten as u8);

pub fn phase() -> Phase {
    match PHASE.load(Ordering::SeqCst) {
        0 => Phase::NothingWritten,
        1 => Phase::Writing,
        _ => Phase::Written,
    }
}

fn set_phase(phase: Phase) {
    PHASE.store(phase as u8, Ordering::SeqCst);
}

/// The config file at one path.
#[derive(Clone, Debug)]
pub struct Store {
    path: PathBuf,
    lock_timeout: Duration,
    chosen_by: Option<String>,
}

/// What a write did.
#[derive(Debug)]
pub struct Written<T> {
    /// What the edit returned.
    pub value: T,
    /// Whether the file's bytes changed.
    pub changed: bool,
    /// Who could read the file before, when others could and it was made private.
    pub tightened_from: Option<Access>,
    /// The file that was written: the link's target when the path is a symlink.
    pub target: PathBuf,
    /// What was done so that exactly one profile is active (see [`Config::settle_active`]).
    pub settled: Settled,
    /// Why the file was rewritten in place rather than replaced (a bind-mounted file cannot be
    /// renamed over), when it was.
    pub in_place: Option<io::Error>,
}

impl Store {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            chosen_by: None,
        }
    }

    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// What chose the path ("MODAL_CONFIG_PATH environment variable"), for the error when it
    /// names something that is not a file.
    pub fn chosen_by(mut self, origin: impl std::fmt::Display) -> Self {
        self.chosen_by = Some(origin.to_string());
        self
    }

    fn named(&self, error: Error) -> Error {
        match &self.chosen_by {
            Some(origin) => error.chosen_by(origin),
            None => error,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file without locking; a missing file reads as an empty config.
    pub fn load(&self) -> Result<Config> {
        match read(&self.path).map_err(|e| self.named(e))? {
            Some(bytes) => Config::parse(&self.path, &bytes),
            None => Ok(Config::empty(&self.path)),
        }
    }

    /// Who can read the file, when it exists.
    pub fn access(&self) -> Option<Access> {
        platform::access(&self.path)
    }

    /// Reads the file under the lock, applies `edit`, settles which profile is active, and
    /// writes the result atomically when it differs. If `edit` fails, nothing is written.
    pub fn update<T>(&self, edit: impl FnOnce(&mut Config) -> Result<T>) -> Result<Written<T>> {
        self.update_unnamed(edit).map_err(|e| self.named(e))
    }

    fn update_unnamed<T>(&self, edit: impl FnOnce(&mut Config) -> Result<T>) -> Result<Written<T>> {
        let target = resolve_symlinks(&self.path)?;
        let dir = parent_dir(&target);
        create_dir_private(&dir)?;
        // Who the file belongs to (the directory's owner for a new one): a write as root
        // (`sudo -E`) must not hand a user's file, or its lock, to root.
        let owner = platform::owner_of(&target).or_else(|| platform::owner_of(&dir));
        let _lock = self.lock(&dir, &target, owner)?;

        let original = read(&target)?;
        if fs::metadata(&target).is_ok_and(|meta| platform::is_read_only(&meta)) {
            return Err(Error::ReadOnly { path: target });
        }
        let mut config = match &original {
            Some(bytes) => Config::parse(&self.path, bytes)?,
            None => Config::empty(&self.path),
        };
        let value = edit(&mut config)?;
        let settled = config.settle_active();
        let text = config.render();
        let changed = original.as_deref() != Some(text.as_bytes());
        let tightened_from = platform::access(&target).filter(|access| !access.private);

        remove_stale_temp_files(&dir, &target);
        let mut in_place = None;
        if changed {
            in_place = write_atomic(&dir, &target, text.as_bytes(), owner)?;
        }
        if tightened_from.is_some() && (!changed || in_place.is_some()) {
            platform::make_private(&target)
                .map_err(|e| Error::io("change the permissions of", &target, e))?;
        }
        Ok(Written {
            value,
            changed,
            tightened_from,
            target,
            settled,
            in_place,
        })
    }

    /// Takes the write lock on `.NAME.lock` beside the file. A writer that releases the lock
    /// removes that file while still holding it, so one that opened it meanwhile holds a lock
    /// on a file no longer at the path: it sees so once it gets the lock, and starts over.
    fn lock(&self, dir: &Path, target: &Path, owner: Option<Owner>) -> Result<Lock> {
        let lock_path = dir.join(hidden_sibling(target, ".lock"));
        let started = Instant::now();
        let mut file = self.open_lock(&lock_path, owner)?;
        loop {
            match file.try_lock() {
                Ok(()) if platform::names_file(&lock_path, &file) => {
                    return Ok(Lock {
                        path: lock_path,
                        _file: file,
                    });
                }
                Ok(()) => file = self.open_lock(&lock_path, owner)?,
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < self.lock_timeout => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::LockTimeout {
                        path: target.to_owned(),
                        waited_secs: self.lock_timeout.as_secs(),
                    });
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::io("lock", &lock_path, e));
                }
            }
        }
    }

    fn open_lock(&self, lock_path: &Path, owner: Option<Owner>) -> Result<File> {
        let file = platform::open_lock_file(lock_path)
            .map_err(|e| Error::io("create the lock file", lock_path, e))?;
        platform::give_to(&file, owner);
        Ok(file)
    }
}

/// The write lock, held while this lives. Its file goes when it is released (where the
/// platform allows removing a file others may hold open), so nothing is left beside the
/// config file; a writer killed while holding it leaves it, and the next writer removes it.
struct Lock {
    path: PathBuf,
    _file: File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Still locked here: the file closes (and the lock goes) after this body.
        if platform::REMOVES_LOCK_FILES {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The file's bytes; `None` when it does not exist (a dangling symlink included). Anything but
/// a regular file (a device, a FIFO, a socket) is refused; opening never blocks on a FIFO.
fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    let opened = platform::open_to_read(path).and_then(|file| Ok((file.metadata()?, file)));
    let (meta, mut file) = match opened {
        Ok(opened) => opened,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_error(path, e)),
    };
    if meta.is_dir() {
        return Err(Error::IsDirectory {
            path: path.to_owned(),
            chosen_by: None,
        });
    }
    if !meta.is_file() {
        return Err(not_a_file(path, &meta));
    }
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut file, &mut bytes).map_err(|e| read_error(path, e))?;
    Ok(Some(bytes))
}

fn read_error(path: &Path, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::IsADirectory {
        Error::IsDirectory {
            path: path.to_owned(),
            chosen_by: None,
        }
    } else if platform::is_symlink_loop(&e) {
        Error::SymlinkLoop {
            path: path.to_owned(),
        }
    } else {
        Error::io("read", path, e)
    }
}

/// The error for a config path that names a device, a FIFO or a socket.
fn not_a_file(path: &Path, meta: &fs::Metadata) -> Error {
    Error::NotAFile {
        path: path.to_owned(),
        kind: platform::special_kind(meta),
        chosen_by: None,
    }
}

/// Follows `path` through symlinks to the file that is really written, so that a link stays a
/// link. The final target need not exist.
fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)
                    .map_err(|e| Error::io("read the symlink", &current, e))?;
                current = parent_dir(&current).join(link);
            }
            Ok(meta) if meta.is_dir() => {
                return Err(Error::IsDirectory {
                    path: current,
                    chosen_by: None,
                });
            }
            // Never replace a device or a FIFO (as root, /dev/null) with a file.
            Ok(meta) if !meta.is_file() => return Err(not_a_file(&current, &meta)),
            _ => return Ok(current),
        }
    }
    Err(Error::SymlinkLoop {
        path: path.to_owned(),
    })
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "modal.toml".into(), |n| n.to_string_lossy().into_owned())
}

/// Creates `dir` and the directories missing above it, private (0700). Each is given to the
/// owner of the nearest directory that exists, as a new file is: as root (`sudo -E`), what is
/// created under a user's home stays the user's.
fn create_dir_private(dir: &Path) -> Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|dir| !dir.as_os_str().is_empty() && !dir.is_dir())
        .collect();
    let owner = missing
        .last()
        .and_then(|top| platform::owner_of(&parent_dir(top)));
    for dir in missing.into_iter().rev() {
        platform::create_private_dir(dir, owner)
            .map_err(|e| Error::io("create the directory", dir, e))?;
    }
    Ok(())
}

/// `.NAME{suffix}` beside `target`, without doubling the dot of a hidden file.
fn hidden_sibling(target: &Path, suffix: &str) -> String {
    let name = file_name(target);
    if name.starts_with('.') {
        format!("{name}{suffix}")
    } else {
        format!(".{name}{suffix}")
    }
}

fn temp_prefix(target: &Path) -> String {
    hidden_sibling(target, ".")
}

const TEMP_SUFFIX: &str = ".tmp";

/// Temp files left by a writer that was killed mid-write. Only the lock holder writes temp
/// files, so under the lock every one of them is stale.
fn remove_stale_temp_files(dir: &Path, target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Replaces `target` with `bytes` atomically: a private temp file (0600, or an owner-only
/// access list), fsynced, renamed over it. When the rename cannot work because `target` is a
/// mount point (a single-file bind mount, as `docker run -v ~/.modal.toml:…` makes) or on
/// another file system, the file is rewritten in place instead, still under the lock, and the
/// reason is returned: a crash in the middle of that write can leave the file cut short, which
/// the rename never does. Where another program holds the file open (Windows), the rename is
/// tried again for [`REPLACE_RETRY`], then given up with the file untouched.
fn write_atomic(
    dir: &Path,
    target: &Path,
    bytes: &[u8],
    owner: Option<Owner>,
) -> Result<Option<io::Error>> {
    // tempfile creates the file with mode 0600 from the start, never wider.
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(target))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temp file in", dir, e))?;
    platform::protect_new_file(temp.path())
        .map_err(|e| Error::io("protect the temp file", temp.path(), e))?;
    platform::give_to(temp.as_file(), owner);
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io("write", target, e))?;
    let started = Instant::now();
    loop {
        set_phase(Phase::Writing);
        let renamed = temp.persist(target);
        set_phase(if renamed.is_ok() {
            Phase::Written
        } else {
            Phase::NothingWritten
        });
        let Err(failed) = renamed else { break };
        match platform::rename_failure(&failed.error) {
            RenameFailure::WriteInPlace => {
                drop(failed.file); // the temp file goes
                write_in_place(target, bytes)?;
                return Ok(Some(failed.error));
            }
            RenameFailure::Retry if started.elapsed() < REPLACE_RETRY => {
                temp = failed.file;
                std::thread::sleep(Duration::from_millis(50));
            }
            RenameFailure::Retry => {
                return Err(Error::HeldOpen {
                    path: target.to_owned(),
                    cause: failed.error,
                });
            }
            RenameFailure::Fatal => return Err(Error::io("replace", target, failed.error)),
        }
    }
    // Make the rename durable; a file system without directory fsync loses nothing here.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(None)
}

/// Writes `bytes` to the file at `path`, created or replaced atomically and readable by its
/// owner alone from the start (`token env --output`); not under the config file's lock.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = resolve_symlinks(path)?;
    let dir = parent_dir(&target);
    create_dir_private(&dir)?;
    let owner = platform::owner_of(&target).or_else(|| platform::owner_of(&dir));
    write_atomic(&dir, &target, bytes, owner)?;
    Ok(())
}

/// Overwrites the file's bytes and cuts it to their length, then fsyncs it.
fn write_in_place(target: &Path, bytes: &[u8]) -> Result<()> {
    set_phase(Phase::Writing);
    let written = OpenOptions::new()
        .write(true)
        .open(target)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.set_len(bytes.len() as u64)?;
            file.sync_all()
        });
    set_phase(Phase::Written);
    written.map_err(|e| Error::io("write", target, e))
}
