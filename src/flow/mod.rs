//! The browser login: the wire protocol, the loopback callback server, opening the browser and
//! exiting cleanly on Ctrl-C. Knows nothing of the config file.

pub mod browser;
pub mod callback;
pub mod interrupt;
pub mod protocol;
