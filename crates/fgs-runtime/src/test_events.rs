//! Test events (seed §5.4).

#[allow(unused_imports)]
use crate::Emulator;
