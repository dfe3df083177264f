//! Dependencies (seed §5.3).

#[allow(unused_imports)]
use crate::Emulator;
