//! The command line, as clap derive definitions, and the answer to a shell asking what to
//! complete (profile names come from the config file the line would use).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueHint};
use clap_complete::{ArgValueCandidates, CompletionCandidate};

use crate::config::path::config_path;
use crate::config::resolve::Origin;

use crate::output::ColorChoice;

#[derive(Debug, Parser)]
#[command(
    name = "modal-setup",
    // Not argv[0]: usage lines read `modal-setup`, not `modal-setup.exe`, on Windows too.
    bin_name = "modal-setup",
    version,
    // `-V`/`--version` after any command too, as the other global options.
    propagate_version = true,
    about = "Log in to Modal and manage its credentials: a native clone of `modal setup`",
    long_about = None,
    after_help = "Without a command, modal-setup runs `setup` (with setup's options).\n\nExit codes: 0 ok, 1 error, 2 usage or missing input, 3 authentication rejected or denied, 4 timed out, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// `setup`'s options, for bare `modal-setup`.
    #[command(flatten, next_help_heading = "Options of setup (the default command)")]
    pub setup: SetupArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parses this process's command line, exiting with clap's message on a usage error.
    /// Parses this process's command line. `--help`, `--version` and usage errors end the
    /// process here, as clap makes them, except that output which cannot be written (a full
    /// disk) is an error; a closed pipe is not.
    pub fn parse_args() -> Self {
        Self::try_parse_args(std::env::args_os()).unwrap_or_else(|error| {
            use std::io::Write;
            let printed = error.print().and_then(|()| std::io::stdout().flush());
            match printed {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "error: could not write to {}: {e}",
                        if error.use_stderr() {
                            "stderr"
                        } else {
                            "stdout"
                        }
                    );
                    std::process::exit(crate::Exit::Failure as i32)
                }
                _ => std::process::exit(error.exit_code()),
            }
        })
    }

    /// Parses a command line. Setup's options belong to bare `modal-setup` only: given with a
    /// command, they are a usage error, not silently ignored. (clap's
    /// `args_conflicts_with_subcommands` would refuse the global options too.)
    pub fn try_parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::parser::ValueSource;
        use clap::{CommandFactory, FromArgMatches};
        let mut command = Self::command();
        let matches = command.try_get_matches_from_mut(args)?;
        if let Some((name, _)) = matches.subcommand() {
            let setup = SetupArgs::augment_args(clap::Command::new("setup"));
            let given = setup.get_arguments().find(|arg| {
                matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
            });
            if let Some(arg) = given {
                let flag = arg.get_long().unwrap_or_else(|| arg.get_id().as_str());
                return Err(command.error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!("--{flag} is an option of setup and cannot be used with '{name}'; put it after `setup`"),
                ));
            }
        }
        let mut cli = Self::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
        // `-q` and `-v` override each other, the last one winning. clap does that within one
        // level of the command line; across levels (`-q profile list -v`) it sets both.
        if cli.global.quiet && cli.global.verbose {
            let last = |id: &str| {
                let mut level = Some(&matches);
                let mut last = None;
                while let Some(m) = level {
                    if let Some(indices) = m.indices_of(id) {
                        last = last.max(indices.max());
                    }
                    level = m.subcommand().map(|(_, sub)| sub);
                }
                last
            };
            if last("quiet") > last("verbose") {
                cli.global.verbose = false;
            } else {
                cli.global.quiet = false;
            }
        }
        Ok(cli)
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]
    #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// Profile to use or write [default: MODAL_PROFILE, else the active profile; without
    /// either, `setup` and `token set` write a profile named after the token's workspace]
    // Empty is a usage error here; an empty MODAL_PROFILE counts as unset, as in Modal's clients.
    #[arg(long, global = true, value_name = "NAME", value_parser = parse_profile,
          add = profile_names())]
    pub profile: Option<String>,

    /// When to use colours (NO_COLOR is honoured under `auto`)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t)]
    pub color: ColorChoice,

    /// Print only data and warnings
    #[arg(short, long, global = true, overrides_with = "verbose")]
    pub quiet: bool,

    /// Print more detail about what is done (never a secret)
    #[arg(short, long, global = true, overrides_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in through the browser and write the new token (the default command; alias: login)
    // A hidden alias: clap_complete offers one name per command, and it is to be `setup`.
    #[command(alias = "login")]
    Setup(SetupArgs),

    /// Remove the profile in effect and revoke its token (asks first at a terminal)
    Logout {
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,

        /// Remove the profile even when revoking its token fails
        #[arg(long)]
        force: bool,
    },

    /// Am I logged in, as whom, and will Modal's SDKs use it (doctor says why not)
    Status,

    /// Print the workspace and user of the token in effect
    Whoami,

    /// Manage the token in the config file
    #[command(subcommand)]
    Token(TokenCommand),

    /// List, choose, rename and remove profiles
    #[command(subcommand)]
    Profile(ProfileCommand),

    /// Show the settings in effect
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Show what Modal's Python client and its JS and Go SDKs will each use, and why a login fails
    Doctor {
        /// Print JSON
        #[arg(long)]
        json: bool,

        /// Do not ask the server about the token (offline)
        #[arg(long)]
        no_verify: bool,

        /// First apply the fixes that change no credential (which profile is active, the form
        /// of server_url, a byte-order mark), after showing them
        #[arg(long, conflicts_with = "json")]
        fix: bool,

        /// With --fix: do not ask (required when stdin is not a terminal)
        #[arg(short, long, requires = "fix")]
        yes: bool,
    },

    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Write a token id and secret into a profile
    Set(TokenSetArgs),

    /// Create a token by logging in through the browser (same as `setup`)
    New(SetupArgs),

    /// Show the token in effect, where it comes from, and what the server says about it
    Info {
        /// Print JSON
        #[arg(long)]
        json: bool,

        /// Do not ask the server (offline)
        #[arg(long)]
        no_verify: bool,
    },

    /// Replace the profile's token through the browser, then revoke the old one
    Rotate(RotateArgs),

    /// Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers
    Env {
        /// How to write the variables [default: sh, powershell on Windows]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<EnvFormat>,

        /// Write the variables to FILE instead (created or replaced atomically, mode 0600)
        #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        output: Option<PathBuf>,

        /// Print the secret even when stdout is a terminal
        #[arg(long)]
        reveal: bool,
    },
}

/// The login's own options, shared by `setup` and `token rotate`.
#[derive(Debug, Default, Args)]
pub struct LoginArgs {
    /// Do not open a browser; print the URL to open
    #[arg(long)]
    pub no_browser: bool,

    /// Port of the loopback server the login page checks [default: a free one]
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,

    /// Seconds to wait for the login
    #[arg(long, value_name = "SECS", default_value_t = 600, value_parser = parse_timeout)]
    pub timeout: u64,

    /// How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace's default]
    #[arg(long, value_name = "DURATION", value_parser = parse_expires_in)]
    pub expires_in: Option<u32>,
}

#[derive(Debug, Default, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    pub login: LoginArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    #[command(flatten)]
    pub activate: ActivateArgs,

    /// Replace a different token in an existing profile without asking
    #[arg(short, long)]
    pub yes: bool,

    /// Revoke the profile's previous token once the new one is written
    #[arg(long)]
    pub delete_existing: bool,
}

/// `token rotate`: the login's own options. It always keeps the profile's place (active or
/// not), replaces without asking and revokes the old token, so it takes no flag about those.
#[derive(Debug, Default, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub login: LoginArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,
}

/// `--flag` / `--no-flag` pairs: the last one given wins.
#[derive(Debug, Default, Args)]
pub struct ActivateArgs {
    /// Make the profile the active one (the default)
    #[arg(long, overrides_with = "no_activate")]
    pub activate: bool,

    /// Leave the active profile as it is (unless none is active yet)
    #[arg(long, overrides_with = "activate")]
    pub no_activate: bool,
}

#[derive(Debug, Default, Args)]
pub struct VerifyArgs {
    /// Check the token with the server before writing it (the default)
    #[arg(long, overrides_with = "no_verify")]
    pub verify: bool,

    /// Write the token without asking the server
    #[arg(long, overrides_with = "verify")]
    pub no_verify: bool,
}

#[derive(Debug, Args)]
pub struct TokenSetArgs {
    /// Token id (ak-…); prompted for when missing and stdin is a terminal
    #[arg(long, visible_alias = "token-id", value_name = "ID")]
    pub id: Option<String>,

    /// Token secret (as-…); `-` reads one line from stdin. Prompted for (hidden) when missing
    #[arg(long, visible_alias = "token-secret", value_name = "SECRET")]
    pub secret: Option<String>,

    #[command(flatten)]
    pub activate: ActivateArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Revoke the profile's previous token once the new one is written
    #[arg(long)]
    pub delete_existing: bool,
}

/// How the variables are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EnvFormat {
    /// `export NAME='value'` (bash, zsh, sh)
    Sh,
    /// `set -gx NAME 'value'`
    Fish,
    /// `$Env:NAME = 'value'`
    Powershell,
    /// `NAME=value`, for .env files, `gh secret set --env-file`, `fly secrets import`
    Dotenv,
    /// `{"NAME": "value"}`
    Json,
    /// Appended to $GITHUB_ENV, the secret masked with `::add-mask::` (a GitHub Actions step)
    Github,
}

impl EnvFormat {
    /// What this platform's shell takes.
    pub fn native() -> Self {
        if cfg!(windows) {
            Self::Powershell
        } else {
            Self::Sh
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles of the config file (offline)
    List {
        /// Print JSON: an array of {name, active, token_id, server_url}
        #[arg(long)]
        json: bool,

        /// Ask the server about every profile's token (about 5 s at most)
        #[arg(long)]
        check: bool,
    },

    /// Print the profile in effect
    Current,

    /// Make a profile the active one (choose from a list when NAME is omitted)
    Activate {
        /// The profile to make active [default: --profile, else chosen from a list]
        #[arg(value_name = "NAME", add = profile_names())]
        name: Option<String>,
    },

    /// Remove a profile from the config file
    Remove {
        /// The profile to remove
        #[arg(value_name = "NAME", add = profile_names())]
        name: String,

        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,

        /// Revoke the profile's token on the server first; nothing is removed if that fails
        #[arg(long)]
        revoke: bool,

        /// With --revoke: remove the profile even when revoking fails
        #[arg(long, requires = "revoke")]
        force: bool,
    },

    /// Rename a profile, keeping its content and its place in the file
    Rename {
        /// The profile's name now
        #[arg(value_name = "OLD", add = profile_names())]
        old: String,

        /// Its new name
        #[arg(value_name = "NEW")]
        new: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the values in effect (the secret as "***")
    Show {
        /// Print JSON
        #[arg(long)]
        json: bool,

        /// Say where each value came from
        #[arg(long)]
        origin: bool,
    },

    /// Print the path of the config file in effect
    Path,

    /// Set the Modal environment the profile in effect uses (as `modal config set-environment`)
    SetEnvironment {
        /// The environment's name, as the dashboard shows it
        #[arg(value_name = "NAME", required_unless_present = "unset")]
        name: Option<String>,

        /// Remove the setting, so that the workspace's default environment is used
        #[arg(long, conflicts_with = "name")]
        unset: bool,
    },
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `--timeout`: whole seconds, at least one, at most a day.
fn parse_profile(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err(
            "a profile name cannot be empty; leave --profile out to use MODAL_PROFILE or the active profile".into(),
        );
    }
    Ok(text.to_owned())
}

fn parse_timeout(text: &str) -> Result<u64, String> {
    const ALLOWED: &str =
        "give a number of seconds from 1 to 86400 (a day), e.g. 600 for ten minutes";
    match text.trim().parse::<u64>() {
        Ok(secs) if (1..=86_400).contains(&secs) => Ok(secs),
        _ => Err(ALLOWED.to_owned()),
    }
}

/// `--expires-in`: a number of seconds, or a number with `s`, `m`, `h`, `d` or `w`, as
/// `modal token new --expires-in` takes it; 1 s to 2^32-1 s.
fn parse_expires_in(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let per_unit: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(format!(
                "unknown unit '{unit}'; use s, m, h, d or w (e.g. 7d)"
            ));
        }
    };
    let count: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration such as 7d, 12h or 3600"))?;
    count
        .checked_mul(per_unit)
        .and_then(|secs| u32::try_from(secs).ok())
        .filter(|secs| *secs > 0)
        .ok_or_else(|| "give between 1 second and about 136 years (e.g. 7d)".to_owned())
}

/// The binary's name, as the completion scripts call it.
pub const BIN: &str = "modal-setup";
/// The variable that makes the binary answer a completion request instead of running.
pub const COMPLETE: &str = "COMPLETE";

/// Whether the request came from bash, whose script inserts candidates as they are.
static FOR_BASH: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Answers the shell and exits when this process is a completion request.
pub fn answer_if_asked() {
    // The engine unsets the variable before it asks for candidates.
    FOR_BASH.get_or_init(|| std::env::var_os(COMPLETE).is_some_and(|shell| shell == "bash"));
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE)
        .completer(BIN)
        .complete();
}

/// For every argument that takes a profile name: the names in the config file of the line
/// being completed (its `--config`, else MODAL_CONFIG_PATH's, else ~/.modal.toml). Nothing
/// when the file cannot be read; names are data, quoted for bash (the other shells quote what
/// they insert), and one with a control character is left out.
pub fn profile_names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let env = crate::env::Env::from_process();
        let line: Vec<OsString> = std::env::args_os().skip_while(|w| w != "--").collect();
        let flag = config_on(&line, &env).map(|path| (path, Origin::Flag("--config")));
        let Ok(path) = config_path(flag, &env) else {
            return Vec::new();
        };
        let Ok(config) = crate::config::store::Store::new(path.value).load() else {
            return Vec::new();
        };
        let bash = FOR_BASH.get().copied().unwrap_or(false);
        config
            .profile_names()
            .into_iter()
            .filter(|name| !name.chars().any(char::is_control))
            .map(|name| match bash {
                true => backslashed(&name),
                false => name,
            })
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// `name` as bash's `printf %q` writes it, so that what the user typed so far (`has\ s`) is
/// a prefix of it.
fn backslashed(name: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "_-./,:@+=%^".contains(c);
    name.chars()
        .flat_map(|c| (!plain(c)).then_some('\\').into_iter().chain([c]))
        .collect()
}

/// The `--config` path of a command line as typed (`--config PATH`, `--config=PATH`, and
/// bash's `--config = PATH`), one level of quotes and a leading `~/` undone, nothing run. The
/// last word is the one being completed.
fn config_on(line: &[OsString], env: &crate::env::Env) -> Option<std::path::PathBuf> {
    let words: Vec<String> = line.iter().map(|w| w.to_string_lossy().into()).collect();
    let typed = words.split_last()?.1;
    let mut found = None;
    for (i, word) in typed.iter().enumerate() {
        let next = |at: usize| typed.get(at).cloned();
        found = match word.strip_prefix("--config") {
            Some("") if next(i + 1).as_deref() == Some("=") => next(i + 2),
            Some("") => next(i + 1),
            Some(value) => value.strip_prefix('=').map(str::to_owned).or(found),
            None => found,
        };
    }
    let word = found?;
    let path = match shell_words::split(&word).as_deref() {
        Ok([one]) => one.clone(),
        _ => word,
    };
    match path.strip_prefix("~/") {
        Some(rest) => Some(crate::platform::home_dir(env)?.join(rest)),
        None => Some(path.into()),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn timeouts_are_whole_seconds_from_one_to_a_day() {
        assert_eq!(parse_timeout("600"), Ok(600));
        for bad in ["0", "-1", "1.5", "86401", "ten"] {
            let message = parse_timeout(bad).unwrap_err();
            assert!(message.contains("from 1 to 86400"), "{bad}: {message}");
        }
    }

    #[test]
    fn expires_in_takes_modal_durations() {
        assert_eq!(parse_expires_in("7d"), Ok(604_800));
        assert_eq!(parse_expires_in("12h"), Ok(43_200));
        assert_eq!(parse_expires_in("3600"), Ok(3_600));
        assert_eq!(parse_expires_in("2w"), Ok(1_209_600));
        for bad in ["0", "0d", "7x", "d", "-1h", "99999999999"] {
            assert!(parse_expires_in(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_before_or_after_the_subcommand() {
        let before =
            Cli::try_parse_from(["m", "--profile", "p", "-q", "profile", "current"]).unwrap();
        let after =
            Cli::try_parse_from(["m", "profile", "current", "--profile", "p", "-q"]).unwrap();
        for cli in [before, after] {
            assert_eq!(cli.global.profile.as_deref(), Some("p"));
            assert!(cli.global.quiet);
        }
    }

    #[test]
    fn an_empty_profile_is_a_usage_error_for_every_command() {
        for args in [
            &["m", "--profile", "", "profile", "current"][..],
            &["m", "token", "set", "--profile="],
            &["m", "--profile", ""],
        ] {
            let error = Cli::try_parse_args(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
            assert!(error.to_string().contains("a profile name cannot be empty"));
        }
    }

    /// `-q` and `-v` together: the last one wins, as for the other flag pairs.
    #[test]
    fn the_last_of_quiet_and_verbose_wins() {
        let cli = Cli::try_parse_args(["m", "-q", "profile", "list", "-v"]).unwrap();
        assert!(cli.global.verbose && !cli.global.quiet);
        let cli = Cli::try_parse_args(["m", "-v", "-q", "profile", "list"]).unwrap();
        assert!(cli.global.quiet && !cli.global.verbose);
        let cli = Cli::try_parse_args(["m", "-v", "token", "set", "--no-verify", "-q"]).unwrap();
        assert!(cli.global.quiet && !cli.global.verbose);
        let cli = Cli::try_parse_args(["m", "-q", "-v"]).unwrap();
        assert!(cli.global.verbose && !cli.global.quiet);
    }

    #[test]
    fn version_is_global() {
        for args in [
            &["m", "-V"][..],
            &["m", "profile", "-V"],
            &["m", "profile", "list", "--version"],
            &["m", "token", "set", "-V"],
        ] {
            let error = Cli::try_parse_args(args).unwrap_err();
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::DisplayVersion,
                "{args:?}"
            );
        }
    }

    #[test]
    fn setup_options_go_only_without_a_command() {
        let bare = Cli::try_parse_args(["m", "--no-browser", "--timeout", "5"]).unwrap();
        assert!(
            bare.command.is_none() && bare.setup.login.no_browser && bare.setup.login.timeout == 5
        );
        let error = Cli::try_parse_args(["m", "--no-browser", "profile", "list"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        assert!(
            error
                .to_string()
                .contains("--no-browser is an option of setup")
        );
        let global = Cli::try_parse_args(["m", "--profile", "p", "-q", "profile", "current"]);
        assert!(global.is_ok());
    }

    #[test]
    fn last_of_a_flag_pair_wins() {
        let cli = Cli::try_parse_from([
            "m",
            "token",
            "set",
            "--no-verify",
            "--verify",
            "--activate",
            "--no-activate",
        ])
        .unwrap();
        let Some(Command::Token(TokenCommand::Set(args))) = cli.command else {
            panic!()
        };
        assert!(args.verify.verify && !args.verify.no_verify);
        assert!(args.activate.no_activate && !args.activate.activate);
    }

    #[test]
    fn modal_flag_names_are_accepted() {
        let cli = Cli::try_parse_from([
            "m",
            "token",
            "set",
            "--token-id",
            "ak-1",
            "--token-secret",
            "as-1",
        ])
        .unwrap();
        let Some(Command::Token(TokenCommand::Set(args))) = cli.command else {
            panic!()
        };
        assert_eq!(args.id.as_deref(), Some("ak-1"));
        assert_eq!(args.secret.as_deref(), Some("as-1"));
    }

    #[test]
    fn the_config_file_is_read_from_the_line_as_typed() {
        let env = crate::env::Env::from_pairs([(crate::platform::HOME_VARIABLE, "/h")]);
        let on = |line: &str| {
            let words: Vec<OsString> = line.split(' ').map(OsString::from).collect();
            config_on(&words, &env).map(|p| p.to_string_lossy().into_owned())
        };
        let some = |p: &str| Some(p.to_owned());
        assert_eq!(on("-- m --config a.toml profile activate "), some("a.toml"));
        assert_eq!(on("-- m --config=a.toml --profile "), some("a.toml"));
        assert_eq!(on("-- m --config = a.toml --profile "), some("a.toml"));
        assert_eq!(on("-- m --config \"a.toml\" --profile "), some("a.toml"));
        assert_eq!(on("-- m --config 'a.toml' --profile "), some("a.toml"));
        let home = crate::platform::home_dir(&env).unwrap().join("x.toml");
        assert_eq!(
            on("-- m --config ~/x.toml --profile "),
            some(&home.to_string_lossy())
        );
        // The word being completed is not a path yet; without --config, none.
        assert_eq!(on("-- m --config"), None);
        assert_eq!(on("-- m --profile "), None);
    }

    #[test]
    fn bash_gets_names_quoted_as_printf_q_does() {
        assert_eq!(backslashed("has space"), "has\\ space");
        assert_eq!(backslashed("$(touch x)"), "\\$\\(touch\\ x\\)");
        assert_eq!(backslashed("it's"), "it\\'s");
        assert_eq!(backslashed("my.ws-1_é"), "my.ws-1_é");
    }
}
