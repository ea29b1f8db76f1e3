//! What the in-process tests of the commands share: a config file in a temp dir, a printer
//! that keeps what it is given, and settings resolved from a file and an environment.

use std::path::PathBuf;
use std::time::Duration;

use crate::api::{Auth, Credentials, Flow, FlowRequest, Minted, Server, TokenInfo};
use crate::error::Result;

use crate::config::Config;
use crate::config::resolve::{Origin, Resolved, Sourced};
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
        // 0600 as modal-setup leaves it, so that no "tightened" note joins what is asserted.
        crate::platform::make_private(&path).expect("make the config private");
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

/// The settings in effect for `file` (at /home/u/.modal.toml) and the variables `env`.
pub fn resolved(file: &str, env: &[(&str, &str)]) -> Resolved {
    let config = Config::parse("/home/u/.modal.toml", file.as_bytes()).expect("the file parses");
    let env = crate::Env::from_pairs(env.iter().copied());
    let path = Sourced::new(PathBuf::from("/home/u/.modal.toml"), Origin::Default);
    crate::config::resolve::resolve(&config, path, &env, &Default::default())
}

/// The in-process server of the unit tests: TokenInfoGet answers with `info`; any other call
/// fails the test.
pub struct FakeServer<F>(F);

/// A [`crate::commands::Connect`] to a [`FakeServer`] answering TokenInfoGet with `info`.
pub fn fake(
    info: impl Fn(&Credentials) -> Result<TokenInfo> + Clone + 'static,
) -> impl Fn(&Sourced<String>) -> Result<Box<dyn Server>> {
    move |_| Ok(Box::new(FakeServer(info.clone())))
}

impl<F: Fn(&Credentials) -> Result<TokenInfo>> Server for FakeServer<F> {
    fn dialled_url(&self) -> &str {
        "https://fake.example"
    }
    fn token_info(&self, credentials: &Credentials) -> Result<TokenInfo> {
        (self.0)(credentials)
    }
    fn create_flow(&self, _: &FlowRequest) -> Result<Flow> {
        unreachable!("not asked of the fake")
    }
    fn wait_flow(&self, _: &Flow, _: Duration) -> Result<Option<Minted>> {
        unreachable!("not asked of the fake")
    }
    fn hello(&self, _: &Credentials) -> Result<()> {
        unreachable!("not asked of the fake")
    }
    fn hello_and_username(&self, _: &Credentials) -> (Result<()>, Result<String>) {
        unreachable!("not asked of the fake")
    }
    fn username(&self, _: &Auth) -> Result<String> {
        unreachable!("not asked of the fake")
    }
    fn delete_token(&self, _: &Credentials, _: &str) -> Result<()> {
        unreachable!("not asked of the fake")
    }
    fn revoker(&self, _: &Credentials) -> Box<dyn FnOnce() -> Result<()> + Send> {
        unreachable!("not asked of the fake")
    }
}
