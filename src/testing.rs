//! What the in-process tests of the commands share: a config file in a temp dir and a printer
//! that keeps what it is given.

use crate::config::Config;
use crate::config::store::Store;
use crate::output::{Captured, Printer, Verbosity};

pub struct TempConfig {
    _dir: tempfile::TempDir,
    pub store: Store,
    pub printer: Printer,
}

impl TempConfig {
    /// A file holding `text`.
    pub fn new(text: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("modal.toml");
        std::fs::write(&path, text).expect("write the config");
        Self {
            store: Store::new(&path),
            _dir: dir,
            printer: Printer::capturing(Verbosity::Normal),
        }
    }

    pub fn config(&self) -> Config {
        self.store.load().expect("the config parses")
    }

    /// The file's text now.
    pub fn text(&self) -> String {
        std::fs::read_to_string(self.store.path()).expect("read the config")
    }

    pub fn out(&self) -> Captured {
        self.printer.captured()
    }
}
