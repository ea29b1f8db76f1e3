//! Ctrl-C, whenever it comes: restore the terminal (a prompt may have hidden the cursor or
//! turned echo off), say what is true about the config file, and exit 130.
//!
//! The handler runs on a thread of its own (see `platform::on_interrupt`). What it says follows
//! the config file's writer: before the rename nothing was written, during it the file holds
//! the old or the new content (the rename is atomic), after it the new content, though a later
//! step (revoking the old token) may not have run. A token that a login minted and that is not
//! written yet is revoked first ([`Unwritten`]): none is left alive without a word.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::config::store::{self, Phase};
use crate::platform;

static STDERR_IS_TERMINAL: AtomicBool = AtomicBool::new(false);

const NOTHING: &[u8] = b"error: interrupted; nothing was written\n";
const WRITING: &[u8] =
    b"error: interrupted while writing the config file; it holds the old or the new content, never a mix\n";
const WRITTEN: &[u8] = b"error: interrupted after the config file was written; a later step (revoking the old token) may not have run: check with `modal-setup token info`\n";
/// At a terminal: the line a spinner or a prompt was drawing (and the `^C` the terminal
/// echoed) is cleared, and the cursor shown again (a picker hides it). Elsewhere the message
/// starts on a line of its own.
const AT_TERMINAL: &[u8] = b"\r\x1b[2K\x1b[?25h";
const ELSEWHERE: &[u8] = b"\n";

fn on_interrupt() -> ! {
    platform::restore_terminal();
    platform::write_stderr(if STDERR_IS_TERMINAL.load(Ordering::SeqCst) {
        AT_TERMINAL
    } else {
        ELSEWHERE
    });
    // Waits for a write of the new token in progress: then it is written, and nothing pends.
    let pending = unwritten().take();
    let message = match store::phase() {
        Phase::NothingWritten => NOTHING,
        Phase::Writing => WRITING,
        Phase::Written => WRITTEN,
    };
    platform::write_stderr(message);
    if let Some(token) = pending {
        let (token_id, revoked) = token.revoke();
        let prefix = if revoked.is_ok() { "note" } else { "error" };
        let line = crate::Error::fate_of_unwritten(&token_id, &revoked);
        platform::write_stderr(format!("{prefix}: {line}\n").as_bytes());
    }
    platform::exit_now(130)
}

/// How long revoking a token that will not be written may take before it is given up.
const REVOKE_WAIT: Duration = Duration::from_secs(5);

type Revoke = Box<dyn FnOnce() -> crate::Result<()> + Send>;

/// A token a login minted that is not in the config file yet, and how to revoke it.
struct Minted {
    token_id: String,
    revoke: Revoke,
}

impl Minted {
    /// Revokes the token, waiting at most [`REVOKE_WAIT`]: its id, and why revoking failed
    /// when it did.
    fn revoke(self) -> (String, Result<(), String>) {
        let (sender, answer) = std::sync::mpsc::channel();
        let revoke = self.revoke;
        std::thread::spawn(move || sender.send(revoke().map_err(|e| e.to_string())));
        let revoked = answer
            .recv_timeout(REVOKE_WAIT)
            .unwrap_or_else(|_| Err(format!("no answer in {} s", REVOKE_WAIT.as_secs())));
        (self.token_id, revoked)
    }
}

static UNWRITTEN: Mutex<Option<Minted>> = Mutex::new(None);

fn unwritten() -> MutexGuard<'static, Option<Minted>> {
    UNWRITTEN.lock().unwrap_or_else(|e| e.into_inner())
}

/// A minted token not written yet: until it is written, Ctrl-C revokes it before exiting, and
/// [`Unwritten::revoke`] does on any other way out.
pub struct Unwritten {
    written: std::cell::Cell<bool>,
}

impl Unwritten {
    pub fn new(token_id: &str, revoke: Revoke) -> Self {
        *unwritten() = Some(Minted {
            token_id: token_id.to_owned(),
            revoke,
        });
        Self {
            written: std::cell::Cell::new(false),
        }
    }

    /// Runs `write`, holding Ctrl-C off until it ends; once it has succeeded the token is kept.
    /// Should Ctrl-C have taken the token already, this waits for it to end the process.
    pub fn write<T>(&self, write: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
        let mut slot = unwritten();
        if slot.is_none() {
            drop(slot);
            until_ctrl_c_ends_the_process();
        }
        let written = write();
        if written.is_ok() {
            *slot = None;
            self.written.set(true);
        }
        written
    }

    /// For a way out that did not write the token: revokes it and wraps `error` with what
    /// became of it ([`crate::Error::Unwritten`]). An error after the write is left as it is.
    /// Should Ctrl-C have taken the token, this waits for it to end the process.
    pub fn revoke(self, error: crate::Error) -> crate::Error {
        if self.written.get() {
            return error;
        }
        let Some(pending) = unwritten().take() else {
            until_ctrl_c_ends_the_process();
        };
        let (token_id, revoked) = pending.revoke();
        crate::Error::Unwritten {
            source: Box::new(error),
            token_id,
            revoked,
        }
    }
}

/// Ctrl-C has taken the token and is revoking it: this thread waits for it to end the process.
fn until_ctrl_c_ends_the_process() -> ! {
    loop {
        std::thread::park();
    }
}

/// Makes Ctrl-C restore the terminal and end the process with exit code 130 from now on.
pub fn install() {
    STDERR_IS_TERMINAL.store(std::io::stderr().is_terminal(), Ordering::SeqCst);
    platform::on_interrupt(on_interrupt);
}
