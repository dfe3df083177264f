//! Log group and stream of a function (seed §5.9).

#[allow(unused_imports)]
use crate::Emulator;
