//! Which values are in effect, and where each came from.
//!
//! Profile: explicit (flag or program) > MODAL_PROFILE (non-empty) > the first table with
//! `active = true` > `default` (Modal's Python client's rule; the SDKs have no fallback, and
//! modal-setup's writes leave exactly one table active so that the three agree). Each value on its own: explicit > its environment variable
//! (non-empty) > the profile's key > the default.

use std::fmt;
use std::path::PathBuf;

use super::{Config, DEFAULT_PROFILE, DEFAULT_SERVER_URL};
use crate::env::{
    Env, MODAL_ENVIRONMENT, MODAL_PROFILE, MODAL_SERVER_URL, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET,
};
use crate::secret::Secret;

/// Where a value in effect came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Set by a program through the library.
    Programmatic,
    /// A command-line flag, e.g. `--profile`.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A key of a profile in the config file.
    File { path: PathBuf, profile: String },
    /// The profile marked `active = true` in the config file.
    Active { path: PathBuf },
    /// Nothing set it.
    Default,
}

impl Origin {
    /// Whether the value was given on the command line.
    pub fn is_flag(&self) -> bool {
        matches!(self, Self::Flag(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Programmatic => f.write_str("set by the program"),
            Self::Flag(flag) => write!(f, "{flag} flag"),
            Self::Env(var) => write!(f, "{var} environment variable"),
            Self::File { path, profile } => {
                let profile = crate::text::shown(profile);
                write!(f, "profile '{profile}' in {}", path.display())
            }
            Self::Active { path } => write!(f, "active = true in {}", path.display()),
            Self::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

/// Values set explicitly, above the environment and the file: command-line flags, or a
/// program's own credentials.
#[derive(Clone, Debug, Default)]
pub struct Explicit {
    pub profile: Option<Sourced<String>>,
    pub token_id: Option<Sourced<String>>,
    pub token_secret: Option<Sourced<Secret>>,
    pub server_url: Option<Sourced<String>>,
    pub environment: Option<Sourced<String>>,
}

/// Something about the file the user should fix; resolution goes on regardless. (Where Modal's
/// other clients would read the file differently is [`super::clients`]' business.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The chosen profile is not in the file, so only environment values and defaults apply.
    MissingProfile {
        name: String,
        origin: Origin,
        /// " (did you mean …?)" when a profile of the file is close to the name.
        did_you_mean: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingProfile {
                name,
                origin,
                did_you_mean,
            } => write!(
                f,
                "profile '{}' (from the {origin}) is not in the config file{did_you_mean}; run `modal-setup profile list` to see the profiles",
                crate::text::shown(name)
            ),
        }
    }
}

/// The settings in effect.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub config_path: Sourced<PathBuf>,
    pub profile: Sourced<String>,
    /// Whether the profile in effect is a table of the file.
    pub profile_exists: bool,
    pub server_url: Sourced<String>,
    pub token_id: Option<Sourced<String>>,
    pub token_secret: Option<Sourced<Secret>>,
    pub environment: Option<Sourced<String>>,
    /// OAuth values in effect, when any is set.
    pub oauth: Option<OAuth>,
    pub problems: Vec<Problem>,
}

/// OAuth credentials (Modal's second kind, for third-party integrations) as Modal's Python
/// client 1.6.4 reads them: each value from its variable, else from the profile.
#[derive(Clone, Debug)]
pub struct OAuth {
    /// In the order of [`crate::config::OAUTH_KEYS`]; `None` where unset.
    pub values: [Option<Sourced<Secret>>; 4],
}

impl OAuth {
    /// Why Modal's Python client and the JS SDK refuse these credentials, beside a token (an
    /// id or a secret) when `token`, in their words; `None` when they use them.
    pub fn refused(&self, token: bool) -> Option<&'static str> {
        let [refresh, client_id, secret, jwt_key] = &self.values;
        if token {
            Some("Modal token credentials and OAuth credentials cannot both be configured.")
        } else if refresh.is_none() || client_id.is_none() || secret.is_some() == jwt_key.is_some()
        {
            Some(
                "OAuth refresh token, client ID, and exactly one of client secret or JWT key must be configured.",
            )
        } else {
            None
        }
    }

    /// Where the values come from, for messages (never the values).
    pub fn sources(&self) -> Vec<String> {
        self.values
            .iter()
            .zip(crate::config::OAUTH_KEYS)
            .filter_map(|(value, (key, _))| {
                value.as_ref().map(|v| match &v.origin {
                    Origin::Env(var) => (*var).to_owned(),
                    _ => key.to_owned(),
                })
            })
            .collect()
    }
}

/// The profile chosen by name: `explicit` (`--profile`, a program's), else MODAL_PROFILE.
pub fn chosen_profile(env: &Env, explicit: Option<&Sourced<String>>) -> Option<Sourced<String>> {
    explicit.cloned().or_else(|| {
        env.get(MODAL_PROFILE)
            .map(|name| Sourced::new(name.to_owned(), Origin::Env(MODAL_PROFILE)))
    })
}

/// The server for `profile`: MODAL_SERVER_URL, else the profile's `server_url`, else the
/// default. With no profile named, the profile in effect's (the active one's), as Modal's
/// `config.get("server_url", profile=None)`: a login or `token set` without `--profile` goes
/// where the active profile points, not to Modal's default server.
pub fn server_url_for(config: &Config, env: &Env, profile: Option<&str>) -> Sourced<String> {
    if let Some(url) = env.get(MODAL_SERVER_URL) {
        return Sourced::new(url.to_owned(), Origin::Env(MODAL_SERVER_URL));
    }
    let in_effect;
    let name = match profile {
        Some(name) => name,
        None => {
            in_effect = profile_in_effect(config, env, None).value;
            in_effect.as_str()
        }
    };
    config
        .profile(name)
        .and_then(|p| p.server_url())
        .map(|url| {
            let origin = Origin::File {
                path: config.path().to_owned(),
                profile: name.to_owned(),
            };
            Sourced::new(url.to_owned(), origin)
        })
        .unwrap_or_else(|| Sourced::new(DEFAULT_SERVER_URL.to_owned(), Origin::Default))
}

/// The profile in effect and what chose it.
pub fn profile_in_effect(
    config: &Config,
    env: &Env,
    explicit: Option<&Sourced<String>>,
) -> Sourced<String> {
    if let Some(profile) = chosen_profile(env, explicit) {
        return profile;
    }
    if let Some(name) = config.profiles().find(|p| p.is_active()).map(|p| p.name()) {
        let origin = Origin::Active {
            path: config.path().to_owned(),
        };
        return Sourced::new(name.to_owned(), origin);
    }
    Sourced::new(DEFAULT_PROFILE.to_owned(), Origin::Default)
}

/// Resolves every value in effect from the explicit values, the environment and the file.
pub fn resolve(
    config: &Config,
    config_path: Sourced<PathBuf>,
    env: &Env,
    explicit: &Explicit,
) -> Resolved {
    let profile = profile_in_effect(config, env, explicit.profile.as_ref());
    let in_file = config.profile(&profile.value);
    let file_origin = || Origin::File {
        path: config.path().to_owned(),
        profile: profile.value.clone(),
    };
    let pick = |explicit: &Option<Sourced<String>>, var: &'static str, key: Option<&str>| {
        explicit
            .clone()
            .or_else(|| {
                env.get(var)
                    .map(|v| Sourced::new(v.to_owned(), Origin::Env(var)))
            })
            .or_else(|| key.map(|v| Sourced::new(v.to_owned(), file_origin())))
    };

    let token_secret = explicit.token_secret.clone().or_else(|| {
        env.get(MODAL_TOKEN_SECRET)
            .map(|v| Sourced::new(Secret::new(v), Origin::Env(MODAL_TOKEN_SECRET)))
            .or_else(|| {
                in_file
                    .and_then(|p| p.token_secret())
                    .map(|s| Sourced::new(s, file_origin()))
            })
    });
    let server_url = explicit
        .server_url
        .clone()
        .unwrap_or_else(|| server_url_for(config, env, Some(&profile.value)));

    let mut problems = Vec::new();
    if in_file.is_none() && profile.origin != Origin::Default {
        problems.push(Problem::MissingProfile {
            name: profile.value.clone(),
            origin: profile.origin.clone(),
            did_you_mean: crate::text::did_you_mean(
                &profile.value,
                config.profiles().map(|p| p.name()),
            ),
        });
    }

    let oauth = crate::config::OAUTH_KEYS.map(|(key, var)| {
        env.get(var)
            .map(|v| Sourced::new(Secret::new(v), Origin::Env(var)))
            .or_else(|| {
                in_file
                    .and_then(|p| p.oauth(key))
                    .map(|v| Sourced::new(v, file_origin()))
            })
    });
    Resolved {
        oauth: oauth
            .iter()
            .any(Option::is_some)
            .then_some(OAuth { values: oauth }),
        token_id: pick(
            &explicit.token_id,
            MODAL_TOKEN_ID,
            in_file.and_then(|p| p.token_id()),
        ),
        environment: pick(
            &explicit.environment,
            MODAL_ENVIRONMENT,
            in_file.and_then(|p| p.environment()),
        ),
        token_secret,
        server_url,
        profile_exists: in_file.is_some(),
        profile,
        config_path,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "[a]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\n\n[b]\ntoken_id = \"ak-b\"\ntoken_secret = \"as-b\"\nserver_url = \"http://b\"\nenvironment = \"dev\"\nactive = true\n\n[default]\ntoken_id = \"ak-d\"\n";

    fn config(text: &str) -> Config {
        Config::parse("/cfg.toml", text.as_bytes()).unwrap()
    }

    fn run(text: &str, env: &[(&str, &str)], explicit: &Explicit) -> Resolved {
        let path = Sourced::new(PathBuf::from("/cfg.toml"), Origin::Default);
        resolve(
            &config(text),
            path,
            &Env::from_pairs(env.iter().copied()),
            explicit,
        )
    }

    #[test]
    fn profile_precedence() {
        let explicit = Explicit {
            profile: Some(Sourced::new("a".into(), Origin::Flag("--profile"))),
            ..Explicit::default()
        };
        assert_eq!(
            run(FILE, &[(MODAL_PROFILE, "default")], &explicit)
                .profile
                .value,
            "a"
        );
        assert_eq!(
            run(FILE, &[(MODAL_PROFILE, "default")], &Explicit::default())
                .profile
                .value,
            "default"
        );
        // Empty MODAL_PROFILE means unset: the active table wins.
        let resolved = run(FILE, &[(MODAL_PROFILE, "")], &Explicit::default());
        assert_eq!(resolved.profile.value, "b");
        assert!(matches!(resolved.profile.origin, Origin::Active { .. }));
        let none_active = FILE.replace("active = true\n", "");
        let resolved = run(&none_active, &[], &Explicit::default());
        assert_eq!(
            (resolved.profile.value.as_str(), resolved.profile.origin),
            ("default", Origin::Default)
        );
    }

    #[test]
    fn each_value_resolves_on_its_own() {
        let resolved = run(
            FILE,
            &[(MODAL_TOKEN_ID, "ak-env"), (MODAL_SERVER_URL, "")],
            &Explicit::default(),
        );
        assert_eq!(resolved.token_id.unwrap().value, "ak-env");
        let secret = resolved.token_secret.unwrap();
        assert_eq!(secret.value.expose(), "as-b");
        assert!(matches!(secret.origin, Origin::File { ref profile, .. } if profile == "b"));
        assert_eq!(resolved.server_url.value, "http://b");
        assert_eq!(resolved.environment.unwrap().value, "dev");

        let explicit = Explicit {
            token_id: Some(Sourced::new("ak-prog".into(), Origin::Programmatic)),
            ..Explicit::default()
        };
        let resolved = run(
            FILE,
            &[(MODAL_TOKEN_ID, "ak-env"), (MODAL_PROFILE, "a")],
            &explicit,
        );
        assert_eq!(resolved.token_id.unwrap().value, "ak-prog");
        assert_eq!(resolved.server_url.value, DEFAULT_SERVER_URL);
        assert_eq!(resolved.server_url.origin, Origin::Default);
        assert!(resolved.environment.is_none());
    }

    #[test]
    fn first_of_several_active_wins() {
        let text = "[x]\nactive = true\n[y]\nactive = true\n";
        let resolved = run(text, &[], &Explicit::default());
        assert_eq!(resolved.profile.value, "x");
        assert!(resolved.problems.is_empty());
    }

    #[test]
    fn missing_profile_is_a_problem_but_defaults_apply() {
        let resolved = run(FILE, &[(MODAL_PROFILE, "ghost")], &Explicit::default());
        assert_eq!(resolved.profile.value, "ghost");
        assert!(!resolved.profile_exists);
        assert!(resolved.token_id.is_none());
        assert!(matches!(
            resolved.problems[0],
            Problem::MissingProfile { .. }
        ));
    }
}
