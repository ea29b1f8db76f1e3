//! modal-setup: a native clone of `modal setup` and Modal's credential commands.
//!
//! As a library it resolves Modal credentials the way the CLI and Modal's Python client do, so
//! that programs embedding it agree with both. Programmatic values come first, then the
//! environment (MODAL_TOKEN_ID, …), then the profile in effect in the config file:
//!
//! ```
//! use modal_setup::{Env, Resolver};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("modal.toml");
//! std::fs::write(&path, "[ws]\ntoken_id = \"ak-file\"\ntoken_secret = \"as-file\"\nactive = true\n")?;
//!
//! let settings = Resolver::new()
//!     .config_path(&path)
//!     .env(Env::empty()) // leave out the process environment, for this example
//!     .token_id("ak-program")
//!     .resolve()?;
//! assert_eq!(settings.profile.value, "ws");
//! assert_eq!(settings.token_id.unwrap().value, "ak-program"); // programmatic wins
//! assert_eq!(settings.token_secret.unwrap().value.expose(), "as-file"); // each key on its own
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The library's face is below: [`Resolver`] and the types it gives. The modules marked
// `doc(hidden)` are public only for the binary (src/main.rs), the tests, the benches and the
// examples; they are not part of the face and may change at any time.
#[doc(hidden)]
pub mod api;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod commands;
#[doc(hidden)]
pub mod config;
#[doc(hidden)]
pub mod env;
mod error;
#[doc(hidden)]
pub mod flow;
#[doc(hidden)]
pub mod interrupt;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod platform;
mod prompt;
mod secret;
mod server_url;
#[cfg(test)]
mod testing;
mod text;
#[doc(hidden)]
pub mod time;

use std::path::PathBuf;

pub use config::resolve::{Origin, Resolved, Sourced};
pub use env::Env;
pub use error::{Error, Exit, Result};
pub use secret::Secret;

use config::resolve::Explicit;

/// Resolves the Modal settings in effect: programmatic > environment > config file > default.
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    config_path: Option<PathBuf>,
    env: Option<Env>,
    explicit: Explicit,
}

impl Resolver {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads this file instead of MODAL_CONFIG_PATH or `~/.modal.toml`.
    pub fn config_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_path = Some(path.into());
        self
    }

    /// Uses these variables instead of the process environment.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Uses this profile, above MODAL_PROFILE and the file's active profile.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.explicit.profile = Some(Sourced::new(name.into(), Origin::Programmatic));
        self
    }

    pub fn token_id(mut self, token_id: impl Into<String>) -> Self {
        self.explicit.token_id = Some(Sourced::new(token_id.into(), Origin::Programmatic));
        self
    }

    pub fn token_secret(mut self, token_secret: impl Into<Secret>) -> Self {
        self.explicit.token_secret = Some(Sourced::new(token_secret.into(), Origin::Programmatic));
        self
    }

    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.explicit.server_url = Some(Sourced::new(url.into(), Origin::Programmatic));
        self
    }

    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.explicit.environment = Some(Sourced::new(name.into(), Origin::Programmatic));
        self
    }

    /// Reads the config file (a missing one counts as empty) and resolves every value.
    pub fn resolve(self) -> Result<Resolved> {
        let env = self.env.unwrap_or_else(Env::from_process);
        let flag = self.config_path.map(|p| (p, Origin::Programmatic));
        let path = config::path::config_path(flag, &env)?;
        let config = config::store::Store::new(&path.value).load()?;
        Ok(config::resolve::resolve(
            &config,
            path,
            &env,
            &self.explicit,
        ))
    }
}
