//! Where the config file is: `--config` > MODAL_CONFIG_PATH (non-empty) > `~/.modal.toml`.
//!
//! The path is taken literally, as every Modal client takes MODAL_CONFIG_PATH (Python's
//! `os.environ`, the JS SDK's `process.env`, the Go SDK's `os.Getenv`: none expands `~`), so a
//! `~/x.toml` that no shell expanded names `./~/x.toml` for them and for modal-setup alike. A
//! relative path is made absolute, so that messages show the file that is really used. A path
//! that is not UTF-8 is used as it is.

use std::path::{Path, PathBuf};

use super::resolve::{Origin, Sourced};
use crate::env::{Env, MODAL_CONFIG_PATH};
use crate::error::{Error, Result};

/// The config file in effect and what chose it. `flag` is the `--config` value (or a path set
/// by a program that embeds the library, with its own origin).
pub fn config_path(flag: Option<(PathBuf, Origin)>, env: &Env) -> Result<Sourced<PathBuf>> {
    if let Some((path, origin)) = flag {
        return Ok(Sourced::new(absolute(&path), origin));
    }
    if let Some(path) = env.get_os(MODAL_CONFIG_PATH) {
        return Ok(Sourced::new(
            absolute(Path::new(path)),
            Origin::Env(MODAL_CONFIG_PATH),
        ));
    }
    let home = crate::platform::home_dir(env).ok_or(Error::NoHome)?;
    Ok(Sourced::new(home.join(".modal.toml"), Origin::Default))
}

/// A relative path made absolute against the working directory; `~` is a name like any other.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Whether a path as given begins with `~`, which a shell would have expanded but no Modal
/// client does.
pub fn begins_with_tilde(given: &std::ffi::OsStr) -> bool {
    given.as_encoded_bytes().starts_with(b"~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_and_empty_env_is_unset() {
        let root = if cfg!(windows) { r"C:\" } else { "/" };
        let env = Env::from_pairs([(MODAL_CONFIG_PATH, format!("{root}env.toml"))]);
        let flag = Some((
            PathBuf::from(format!("{root}flag.toml")),
            Origin::Flag("--config"),
        ));
        assert_eq!(
            config_path(flag, &env).unwrap().value,
            PathBuf::from(format!("{root}flag.toml"))
        );
        let chosen = config_path(None, &env).unwrap();
        assert_eq!(chosen.value, PathBuf::from(format!("{root}env.toml")));
        let cwd = std::env::current_dir().unwrap();
        // `~` is not expanded: Modal's clients read `./~/x/modal.toml` here too.
        let tilde = Env::from_pairs([(MODAL_CONFIG_PATH, "~/x/modal.toml")]);
        assert_eq!(
            config_path(None, &tilde).unwrap().value,
            cwd.join("~/x/modal.toml")
        );
        assert!(begins_with_tilde("~/x".as_ref()) && !begins_with_tilde("x/~".as_ref()));
        let relative = Env::from_pairs([(MODAL_CONFIG_PATH, "rel.toml")]);
        assert_eq!(
            config_path(None, &relative).unwrap().value,
            cwd.join("rel.toml")
        );
        assert_eq!(chosen.origin, Origin::Env(MODAL_CONFIG_PATH));
        let empty = Env::from_pairs([(MODAL_CONFIG_PATH, "")]);
        let home = config_path(None, &empty).unwrap();
        assert!(home.value.ends_with(".modal.toml"));
        assert_eq!(home.origin, Origin::Default);
    }
}
