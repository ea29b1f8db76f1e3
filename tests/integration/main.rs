//! One integration-test binary (as ripgrep does): the modules share the harness in support/.
//! The modules marked `cfg(unix)` need a pseudo-terminal, Unix shells, signals or node; on
//! Windows (under Wine in CI) the rest run.

mod support;

#[cfg(unix)]
mod completions;
mod config_cmd;
mod doctor;
mod everyday;
#[cfg(unix)]
mod floods;
mod git_work_tree;
#[cfg(unix)]
mod go_sdk;
mod hostile;
mod hostile_servers;
#[cfg(unix)]
mod js_sdk;
mod malformed;
mod network;
#[cfg(unix)]
mod npm;
mod oauth;
mod profile;
mod profile_check;
#[cfg(unix)]
mod prompts;
mod properties;
#[cfg(unix)]
mod readme;
mod redaction;
#[cfg(unix)]
mod reliability;
mod revoking;
mod setup;
mod snapshots;
mod store;
mod suggestions;
mod tls;
mod token_info;
mod token_set;
mod vocabulary;
