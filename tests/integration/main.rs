//! One integration-test binary (as ripgrep does): the modules share the harness in support/.

mod support;

mod completions;
mod config_cmd;
mod doctor;
mod floods;
mod hostile;
mod hostile_servers;
mod js_sdk;
mod lifecycle;
mod malformed;
mod profile;
mod prompts;
mod properties;
mod reliability;
mod setup;
mod snapshots;
mod store;
mod tls;
mod token_set;
