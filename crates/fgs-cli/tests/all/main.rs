//! Integration tests of the `fgs-local` binary: each runs the built binary on a free
//! loopback port and talks to it over HTTP.

mod common;

mod apig;
mod deploy;
mod invoke;
mod lang;
mod serve;
mod state_dir;
mod watch;
