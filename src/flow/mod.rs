//! The browser login's local side: the loopback server the login page checks, opening the
//! browser, and exiting cleanly on Ctrl-C. Knows nothing of the config file or the API.

pub mod browser;
pub mod interrupt;
pub mod loopback;
