//! Reserved-instance configuration (seed §5.10).

#[allow(unused_imports)]
use crate::Emulator;
