//! The browser login's local side: the loopback server the login page checks, and opening the
//! browser. Knows nothing of the config file or the API.

pub mod browser;
pub mod loopback;
