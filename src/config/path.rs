//! Where the config file is: `--config` > MODAL_CONFIG_PATH (non-empty) > `~/.modal.toml`.
//!
//! A leading `~/` (common in .env files and CI settings, where no shell expands it) means the
//! home directory, and a relative path is made absolute, so that messages show the file that is
//! really used. A path that is not UTF-8 is used as it is.

use std::path::{Path, PathBuf};

use super::resolve::{Origin, Sourced};
use crate::env::{Env, MODAL_CONFIG_PATH};
use crate::error::{Error, Result};

/// The config file in effect and what chose it. `flag` is the `--config` value (or a path set
/// by a program that embeds the library, with its own origin).
pub fn config_path(flag: Option<(PathBuf, Origin)>, env: &Env) -> Result<Sourced<PathBuf>> {
    if let Some((path, origin)) = flag {
        return Ok(Sourced::new(as_meant(&path)?, origin));
    }
    if let Some(path) = env.get_os(MODAL_CONFIG_PATH) {
        return Ok(Sourced::new(
            as_meant(Path::new(path))?,
            Origin::Env(MODAL_CONFIG_PATH),
        ));
    }
    let home = dirs::home_dir().ok_or(Error::NoHome)?;
    Ok(Sourced::new(home.join(".modal.toml"), Origin::Default))
}

/// `~` and `~/…` in the home directory, a relative path made absolute.
fn as_meant(path: &Path) -> Result<PathBuf> {
    let expanded = match path.strip_prefix("~") {
        Ok(rest) => dirs::home_dir().ok_or(Error::NoHome)?.join(rest),
        Err(_) => path.to_owned(),
    };
    Ok(std::path::absolute(&expanded).unwrap_or(expanded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_and_empty_env_is_unset() {
        let env = Env::from_pairs([(MODAL_CONFIG_PATH, "/env.toml")]);
        let flag = Some((PathBuf::from("/flag.toml"), Origin::Flag("--config")));
        assert_eq!(
            config_path(flag, &env).unwrap().value,
            PathBuf::from("/flag.toml")
        );
        let chosen = config_path(None, &env).unwrap();
        assert_eq!(chosen.value, PathBuf::from("/env.toml"));
        let home = dirs::home_dir().unwrap();
        let tilde = Env::from_pairs([(MODAL_CONFIG_PATH, "~/x/modal.toml")]);
        assert_eq!(
            config_path(None, &tilde).unwrap().value,
            home.join("x/modal.toml")
        );
        let relative = Env::from_pairs([(MODAL_CONFIG_PATH, "rel.toml")]);
        assert_eq!(
            config_path(None, &relative).unwrap().value,
            std::env::current_dir().unwrap().join("rel.toml")
        );
        // `~user` is not expanded (no shell does it here either): it stays a relative name.
        let other = Env::from_pairs([(MODAL_CONFIG_PATH, "~bob/x.toml")]);
        assert!(
            config_path(None, &other)
                .unwrap()
                .value
                .ends_with("~bob/x.toml")
        );
        assert_eq!(chosen.origin, Origin::Env(MODAL_CONFIG_PATH));
        let empty = Env::from_pairs([(MODAL_CONFIG_PATH, "")]);
        let home = config_path(None, &empty).unwrap();
        assert!(home.value.ends_with(".modal.toml"));
        assert_eq!(home.origin, Origin::Default);
    }
}
