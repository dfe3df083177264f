//! Publishing and listing versions (seed §5.7.6, §5.7.7).

#[allow(unused_imports)]
use crate::Emulator;
