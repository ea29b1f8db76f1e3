//! Where the config file is: `--config` > MODAL_CONFIG_PATH (non-empty) > `~/.modal.toml`.

use std::path::PathBuf;

use super::resolve::{Origin, Sourced};
use crate::env::{Env, MODAL_CONFIG_PATH};
use crate::error::{Error, Result};

/// The config file in effect and what chose it. `flag` is the `--config` value (or a path set
/// by a program that embeds the library, with its own origin).
pub fn config_path(flag: Option<(PathBuf, Origin)>, env: &Env) -> Result<Sourced<PathBuf>> {
    if let Some((path, origin)) = flag {
        return Ok(Sourced::new(path, origin));
    }
    if let Some(path) = env.get(MODAL_CONFIG_PATH) {
        return Ok(Sourced::new(
            PathBuf::from(path),
            Origin::Env(MODAL_CONFIG_PATH),
        ));
    }
    let home = dirs::home_dir().ok_or(Error::NoHome)?;
    Ok(Sourced::new(home.join(".modal.toml"), Origin::Default))
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
        assert_eq!(chosen.origin, Origin::Env(MODAL_CONFIG_PATH));
        let empty = Env::from_pairs([(MODAL_CONFIG_PATH, "")]);
        let home = config_path(None, &empty).unwrap();
        assert!(home.value.ends_with(".modal.toml"));
        assert_eq!(home.origin, Origin::Default);
    }
}
